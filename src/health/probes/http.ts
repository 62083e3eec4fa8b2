/**
 * One GET with a hard time limit, through node:http (no HTTP client library to load:
 * `kgc-support health` must start fast). Never throws: what happened is the outcome.
 * No keep-alive, so that nothing holds the process open once the answer is in.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';

export type HttpOutcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly ms: number;
      readonly body: string;
      readonly contentType: string | undefined;
    }
  | {
      readonly kind: 'error';
      readonly ms: number;
      readonly error: string;
      readonly timedOut: boolean;
    };

export interface HttpGetOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly headers?: Record<string, string>;
  /** Bytes of the body kept (the rest is not read). */
  readonly maxBody?: number;
}

/** "no answer within 5 s" */
export function noAnswerWithin(timeoutMs: number): string {
  const s = timeoutMs / 1000;
  return `no answer within ${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

export function describeNetError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = e.code ? CODES[e.code] : undefined;
  if (known) return known;
  return e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
}

export async function httpGet(url: string, opts: HttpGetOptions): Promise<HttpOutcome> {
  // node:https (and TLS) only when a URL needs it: a few ms of start-up saved otherwise.
  const request = url.startsWith('https:') ? (await import('node:https')).request : httpRequest;
  return get(url, request, opts);
}

function get(url: string, request: typeof httpRequest, opts: HttpGetOptions): Promise<HttpOutcome> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  const maxBody = opts.maxBody ?? 64 * 1024;
  return new Promise<HttpOutcome>((resolve) => {
    let done = false;
    let timedOut = false;
    const finish = (o: HttpOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ kind: 'error', ms: 0, error: `not a URL: ${url}`, timedOut: false });
      return;
    }
    const req = request(
      u,
      {
        method: 'GET',
        agent: false,
        headers: { accept: 'application/json, */*', connection: 'close', ...opts.headers },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = () =>
          finish({
            kind: 'answer',
            status: res.statusCode ?? 0,
            ms: ms(),
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: res.headers['content-type'],
          });
        res.on('data', (c: Buffer) => {
          if (size >= maxBody) return;
          chunks.push(c);
          size += c.length;
          if (size >= maxBody) {
            answer();
            req.destroy();
          }
        });
        res.on('end', answer);
        res.on('error', () => answer());
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error(noAnswerWithin(opts.timeoutMs)));
    }, opts.timeoutMs);
    const onAbort = () => req.destroy(new Error('aborted'));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) =>
      finish({
        kind: 'error',
        ms: ms(),
        error: timedOut ? noAnswerWithin(opts.timeoutMs) : describeNetError(err),
        timedOut,
      }),
    );
    req.end();
  });
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonBody(o: HttpOutcome): unknown {
  if (o.kind !== 'answer') return undefined;
  try {
    return JSON.parse(o.body) as unknown;
  } catch {
    return undefined;
  }
}
