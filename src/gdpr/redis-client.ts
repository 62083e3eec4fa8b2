/**
 * The Redis commands the erasure uses, over ioredis: SCAN with MATCH (never KEYS,
 * which blocks the server) and UNLINK (frees memory in the background). One
 * connection per run, made on first use, with bounded timeouts and no offline
 * queue, so a Redis that is down fails the step quickly instead of hanging it.
 */
import { transient } from './steps/failure.js';

export interface RedisApi {
  /** One SCAN round: the next cursor ("0" when done) and the keys of this round. */
  scan(cursor: string, pattern: string, count: number): Promise<[string, string[]]>;
  unlink(keys: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export function createRedisClient(url: string, timeoutMs: number): RedisApi {
  type Client = import('ioredis').Redis;
  let client: Promise<Client> | undefined;
  const connect = (): Promise<Client> => {
    client ??= (async () => {
      const { Redis } = await import('ioredis');
      const c = new Redis(url, {
        lazyConnect: true,
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      c.on('error', () => {
        /* reported through the command that fails */
      });
      try {
        await c.connect();
      } catch (err) {
        c.disconnect();
        client = undefined;
        throw transient(
          `Redis unreachable (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`,
        );
      }
      return c;
    })();
    return client;
  };
  const guard = async <T>(what: string, fn: (c: Client) => Promise<T>): Promise<T> => {
    const pending = connect();
    const c = await pending;
    try {
      return await fn(c);
    } catch (err) {
      // A connection that failed a command (dropped: it never comes back without a
      // retry strategy; or hung: a partition) is let go, and the next command
      // connects anew, so a cascade completes once Redis returns.
      if (client === pending) client = undefined;
      c.disconnect();
      throw transient(
        `Redis ${what} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`,
      );
    }
  };
  return {
    scan: (cursor, pattern, count) =>
      guard('SCAN', (c) => c.scan(cursor, 'MATCH', pattern, 'COUNT', count)),
    unlink: (keys) =>
      guard('UNLINK', (c) => (keys.length === 0 ? Promise.resolve(0) : c.unlink(...keys))),
    async close() {
      const c = await client?.catch(() => undefined);
      client = undefined;
      if (c) await c.quit().catch(() => c.disconnect());
    },
  };
}
