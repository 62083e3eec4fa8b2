/**
 * The webhook secret's format (Standard Webhooks): `whsec_` + base64 of 24 to 64 bytes,
 * or a raw secret whose UTF-8 bytes are the key (the library's `format: "raw"`).
 * Pure: the daemon's start-time check refuses a bad secret with it, the signer derives
 * its keys with it.
 */
import { createHash } from 'node:crypto';
import { KgcError } from '../errors/kgc-error.js';

export const SECRET_PREFIX = 'whsec_';
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** The Standard Webhooks key of a secret; throws when it is not 24 to 64 bytes. */
export function standardKey(secret: string): Buffer {
  let key: Buffer;
  if (secret.startsWith(SECRET_PREFIX)) {
    const b64 = secret.slice(SECRET_PREFIX.length);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64))
      throw new KgcError('invalid_webhook_secret', 'the part after whsec_ is not base64');
    key = Buffer.from(b64, 'base64');
  } else {
    key = Buffer.from(secret, 'utf8');
  }
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new KgcError(
      'invalid_webhook_secret',
      `a webhook secret's key must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes (this one is ${key.length})`,
    );
  }
  return key;
}

/** SHA-256 of the secret, to recognise it without showing it. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
