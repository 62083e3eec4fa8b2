/**
 * Webhook signatures, both contracts, signed afresh on every attempt (DESIGN.md 6):
 * - the seed's (8.1): `X-KGC-Timestamp: <unix seconds>` and
 *   `X-KGC-Signature: sha256=<hex HMAC-SHA256(secret, "<ts>.<body>")>`, the key being
 *   the secret's UTF-8 bytes exactly as the seed's Python receiver uses it; signed
 *   with the active secret only (a rotated one once it is activated: the seed's receiver
 *   knows one secret);
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature:
 *   v1,<base64 HMAC-SHA256(key, "<id>.<ts>.<body>")>` with one `v1,` entry per valid
 *   secret during a rotation; the key is the base64 after `whsec_`, or the UTF-8
 *   bytes of a secret without that prefix (the library's `format: "raw"`).
 * Verification (`verifyWebhook`) accepts several secrets, compares in constant time,
 * and takes its clock as an option. The tolerance is the seed's 5 minutes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KgcError } from '../errors/kgc-error.js';
import { standardKey } from '../formats/webhook-secret.js';

export const TOLERANCE_SECONDS = 5 * 60;

export interface Signer {
  /** Headers for one attempt at `timestampSec`. */
  headers(id: string, body: string, timestampSec: number): Record<string, string>;
  /** More than one secret is valid: a rotation is pending or in its grace period. */
  readonly switching: boolean;
}

/** A signer over the valid secrets, the active one first (it alone signs X-KGC-Signature). */
export function createSigner(secrets: readonly string[]): Signer {
  if (secrets.length === 0)
    throw new KgcError('invalid_webhook_secret', 'no webhook secret to sign with');
  const kgcKey = Buffer.from(secrets[0] as string, 'utf8');
  const keys = secrets.map(standardKey);
  return {
    switching: secrets.length > 1,
    headers(id, body, ts) {
      const kgc = createHmac('sha256', kgcKey).update(`${ts}.${body}`).digest('hex');
      const signed = `${id}.${ts}.${body}`;
      return {
        'content-type': 'application/json',
        'x-kgc-timestamp': String(ts),
        'x-kgc-signature': `sha256=${kgc}`,
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': keys
          .map((k) => `v1,${createHmac('sha256', k).update(signed).digest('base64')}`)
          .join(' '),
      };
    },
  };
}

export type HeaderSource =
  { get(name: string): string | null } | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Seconds either way; default 300 (the seed's 5 minutes). */
  toleranceSec?: number;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
  /** Which headers to check; `any` (default) passes when one present scheme verifies. */
  scheme?: 'any' | 'standard' | 'kgc';
}

export type VerifyResult =
  | { ok: true; scheme: 'standard' | 'kgc'; id: string | null; timestamp: number }
  | {
      ok: false;
      reason:
        | 'missing_headers'
        | 'invalid_timestamp'
        | 'timestamp_out_of_tolerance'
        | 'no_matching_signature';
    };

function header(h: HeaderSource, name: string): string | undefined {
  if (typeof (h as { get?: unknown }).get === 'function')
    return (h as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = h as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Verifies a webhook as Support receives it: the raw body exactly as it arrived,
 * and every secret Support currently trusts (several during a rotation).
 */
export function verifyWebhook(
  headers: HeaderSource,
  rawBody: string | Uint8Array,
  secrets: string | readonly string[],
  opts: VerifyOptions = {},
): VerifyResult {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const nowSec = Math.floor((opts.now ?? Date.now)() / 1000);
  const tolerance = opts.toleranceSec ?? TOLERANCE_SECONDS;
  const scheme = opts.scheme ?? 'any';
  const tries: {
    scheme: 'standard' | 'kgc';
    id: string | null;
    ts: string;
    check: (secret: string, ts: number) => boolean;
  }[] = [];
  const swId = header(headers, 'webhook-id');
  const swTs = header(headers, 'webhook-timestamp');
  const swSig = header(headers, 'webhook-signature');
  if (scheme !== 'kgc' && swId && swTs && swSig) {
    const given = swSig
      .split(' ')
      .filter((s) => s.startsWith('v1,'))
      .map((s) => s.slice(3));
    tries.push({
      scheme: 'standard',
      id: swId,
      ts: swTs,
      check: (secret, ts) => {
        const expected = createHmac('sha256', standardKey(secret))
          .update(`${swId}.${ts}.${body}`)
          .digest('base64');
        return given.some((g) => same(g, expected));
      },
    });
  }
  const kgcTs = header(headers, 'x-kgc-timestamp');
  const kgcSig = header(headers, 'x-kgc-signature');
  if (scheme !== 'standard' && kgcTs && kgcSig) {
    tries.push({
      scheme: 'kgc',
      id: swId ?? null,
      ts: kgcTs,
      check: (secret, ts) =>
        same(
          kgcSig,
          `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${ts}.${body}`).digest('hex')}`,
        ),
    });
  }
  if (tries.length === 0) return { ok: false, reason: 'missing_headers' };
  let reason: 'invalid_timestamp' | 'timestamp_out_of_tolerance' | 'no_matching_signature' =
    'no_matching_signature';
  for (const t of tries) {
    if (!/^\d{1,12}$/.test(t.ts)) {
      reason = 'invalid_timestamp';
      continue;
    }
    const ts = Number(t.ts);
    if (Math.abs(nowSec - ts) > tolerance) {
      reason = 'timestamp_out_of_tolerance';
      continue;
    }
    if (list.some((s) => t.check(s, ts)))
      return { ok: true, scheme: t.scheme, id: t.id, timestamp: ts };
  }
  return { ok: false, reason };
}
