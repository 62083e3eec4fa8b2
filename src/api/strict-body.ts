/**
 * A body field the route's schema does not name is refused, every such field named:
 * the app's validator drops unknown properties silently (removeAdditional), which hides
 * a misspelt field from the caller. Runs before validation, on the body as it came.
 */
import type { TObject } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { KgcError } from '../errors/kgc-error.js';

/** At most this many names in the answer, each cut to a readable length (hostile input). */
const MAX_NAMED = 20;
const MAX_NAME = 64;

export function refuseUnknownFields(schema: TObject): (req: FastifyRequest) => Promise<void> {
  const known = new Set(Object.keys(schema.properties));
  return async (req) => {
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    const unknown = Object.keys(body).filter((k) => !known.has(k));
    if (unknown.length === 0) return;
    const named = unknown.slice(0, MAX_NAMED).map((k) => k.slice(0, MAX_NAME));
    const more = unknown.length > named.length ? ` and ${unknown.length - named.length} more` : '';
    throw new KgcError(
      'unknown_field',
      `body: unknown field${unknown.length > 1 ? 's' : ''} ${named.map((k) => JSON.stringify(k)).join(', ')}${more}; the fields are ${[...known].join(', ')}`,
      { extras: { unknown_fields: named } },
    );
  };
}
