/**
 * Redis PING over a raw socket (RESP): AUTH first when the URL carries a password,
 * TLS for rediss://. No client library: `health` stays cheap, and a Redis that never
 * answers costs exactly the time limit. Never throws.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { describeNetError, noAnswerWithin } from './http.js';

export type RedisOutcome =
  | {
      readonly kind: 'answer';
      readonly ms: number;
      /** The PING reply, or the first error reply (-NOAUTH …). */ readonly reply: string;
    }
  | {
      readonly kind: 'error';
      readonly ms: number;
      readonly error: string;
      readonly timedOut: boolean;
    };

/** One RESP command as an array of bulk strings. */
export function respCommand(...args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

export async function redisPing(
  url: string,
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<RedisOutcome> {
  // TLS only for rediss:// (loading it costs a few ms of start-up).
  const tls = url.startsWith('rediss:') ? await import('node:tls') : undefined;
  return ping(url, tls?.connect, opts);
}

function ping(
  url: string,
  tlsConnect: typeof import('node:tls').connect | undefined,
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<RedisOutcome> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  return new Promise<RedisOutcome>((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ kind: 'error', ms: 0, error: 'REDIS_URL is not a URL', timedOut: false });
      return;
    }
    const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(u.port || 6379);
    const password = decodeURIComponent(u.password);
    const user = decodeURIComponent(u.username);
    const commands: string[][] = [];
    if (password)
      commands.push(user && user !== 'default' ? ['AUTH', user, password] : ['AUTH', password]);
    commands.push(['PING']);

    let done = false;
    let timedOut = false;
    let buffer = '';
    const socket: Socket = tlsConnect
      ? tlsConnect({ host, port, servername: host })
      : netConnect({ host, port });
    const finish = (o: RedisOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy(new Error(noAnswerWithin(opts.timeoutMs)));
    }, opts.timeoutMs);
    const onAbort = () => socket.destroy(new Error('aborted'));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    socket.setEncoding('utf8');
    socket.once(tlsConnect ? 'secureConnect' : 'connect', () => {
      socket.write(commands.map((c) => respCommand(...c)).join(''));
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\r\n');
      const complete = lines.slice(0, -1);
      // An error reply to AUTH ends it; otherwise the last reply is PING's.
      const firstError = complete.find((l) => l.startsWith('-'));
      if (firstError) {
        finish({ kind: 'answer', ms: ms(), reply: firstError });
        return;
      }
      if (complete.length >= commands.length)
        finish({ kind: 'answer', ms: ms(), reply: complete[commands.length - 1] ?? '' });
    });
    socket.on('error', (err) =>
      finish({
        kind: 'error',
        ms: ms(),
        error: timedOut ? noAnswerWithin(opts.timeoutMs) : describeNetError(err),
        timedOut,
      }),
    );
    socket.on('close', () =>
      finish({
        kind: 'error',
        ms: ms(),
        error: timedOut ? noAnswerWithin(opts.timeoutMs) : 'connection closed without an answer',
        timedOut,
      }),
    );
  });
}
