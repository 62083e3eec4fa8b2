/**
 * The string formats the operations' schemas use, for TypeBox's Value.Check (which
 * refuses a format it does not know). Fastify's Ajv knows them already; this makes
 * the admin door and the in-process CLI check them the same way.
 */
import { FormatRegistry } from '@sinclair/typebox';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const validDate = (v: string): boolean => !Number.isNaN(Date.parse(v));

export function registerFormats(): void {
  if (!FormatRegistry.Has('date-time'))
    FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && validDate(v));
  if (!FormatRegistry.Has('date'))
    FormatRegistry.Set('date', (v) => DATE.test(v) && validDate(`${v}T00:00:00Z`));
}
