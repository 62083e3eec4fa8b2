/**
 * The HTTP side of a delivery: one POST with undici over a keep-alive pool, a
 * per-attempt timeout (to connect, to the answer's headers, between body chunks), no redirect followed (a 3xx is a
 * failure), the answer's first bytes kept for the attempt record (the rest never read), the
 * body read ending within the attempt's timeout.
 */
import { Agent, request } from 'undici';

export const RESPONSE_LIMIT = 1024;

export interface SendResult {
  /** The HTTP status; null when no answer came (refused, reset, timed out…). */
  status: number | null;
  durationMs: number;
  /** The first RESPONSE_LIMIT bytes of the answer. */
  response: string | null;
  error: string | null;
  /** From Retry-After (seconds or an HTTP date), when the answer had one. */
  retryAfterMs: number | null;
}

export interface Sender {
  post(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  /** GET url: does something answer with a status below 500 within the timeout? */
  probe(url: string, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function describe(err: unknown): string {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (
    e.name === 'TimeoutError' ||
    e.name === 'AbortError' ||
    e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e.code === 'UND_ERR_BODY_TIMEOUT' ||
    e.code === 'UND_ERR_CONNECT_TIMEOUT'
  )
    return 'timeout';
  const code = e.code ?? e.cause?.code;
  const msg = e.cause?.message ?? e.message ?? String(err);
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

/**
 * The answer's first RESPONSE_LIMIT bytes, for the attempt record; never more. The rest is not
 * read: the socket is destroyed (a 50 MB or endless answer costs one chunk). The read ends by
 * `deadline` too, keeping what came: a body trickled a byte at a time would otherwise hold the
 * attempt for RESPONSE_LIMIT x bodyTimeout, past its lease.
 */
async function readLimited(
  body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
  deadline: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(
    () => body.destroy(new Error('response read past the attempt timeout')),
    Math.max(0, deadline - performance.now()),
  );
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_LIMIT) {
        body.destroy();
        break;
      }
    }
  } catch {
    // Reset or cut at the deadline: keep the prefix that came.
  } finally {
    clearTimeout(timer);
  }
  // NUL cannot be stored in a text column.
  return Buffer.concat(chunks)
    .subarray(0, RESPONSE_LIMIT)
    .toString('utf8')
    .replaceAll('\u0000', '');
}

export function createSender(opts: {
  connections: number;
  timeoutMs: number;
  now?: () => number;
}): Sender {
  // The timeout is undici's own (connect, then headers, then each body chunk): cheaper per
  // request than an AbortSignal, and the body read is capped at RESPONSE_LIMIT anyway.
  const agent = new Agent({
    connections: opts.connections,
    keepAliveTimeout: 4_000,
    connectTimeout: opts.timeoutMs,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  const now = opts.now ?? Date.now;
  return {
    async post(url, headers, body) {
      const started = performance.now();
      try {
        const res = await request(url, { method: 'POST', headers, body, dispatcher: agent });
        const response = await readLimited(res.body, started + opts.timeoutMs);
        return {
          status: res.statusCode,
          durationMs: performance.now() - started,
          response,
          error: null,
          retryAfterMs: parseRetryAfter(res.headers['retry-after'], now()),
        };
      } catch (err) {
        return {
          status: null,
          durationMs: performance.now() - started,
          response: null,
          error: describe(err),
          retryAfterMs: null,
        };
      }
    },
    async probe(url, timeoutMs) {
      try {
        const res = await request(url, {
          method: 'GET',
          dispatcher: agent,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body.dump();
        return res.statusCode < 500;
      } catch {
        return false;
      }
    },
    close: () => agent.close(),
  };
}
