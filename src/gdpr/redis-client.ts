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
  /** Each key's type and value (strings, hashes, lists, sets, sorted sets), for an access request. */
  values(keys: readonly string[]): Promise<RedisValue[]>;
  close(): Promise<void>;
}

export interface RedisValue {
  readonly key: string;
  readonly type: string;
  readonly value: unknown;
}

/** The command that reads a key of each type whole. */
const READERS: Record<string, (key: string) => [string, ...string[]]> = {
  string: (k) => ['get', k],
  hash: (k) => ['hgetall', k],
  list: (k) => ['lrange', k, '0', '-1'],
  set: (k) => ['smembers', k],
  zset: (k) => ['zrange', k, '0', '-1', 'WITHSCORES'],
};

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
    values: (keys) =>
      guard('read', async (c) => {
        const types = (await c.pipeline(keys.map((k) => ['type', k])).exec()) ?? [];
        const typeOf = (i: number): string => {
          const t = types[i]?.[1];
          return typeof t === 'string' ? t : 'none';
        };
        const reads = keys.map((k, i) => READERS[typeOf(i)]?.(k) ?? ['exists', k]);
        const got = (await c.pipeline(reads).exec()) ?? [];
        return keys.map((key, i) => {
          const [err, value] = got[i] ?? [null, null];
          if (err) throw err;
          const type = typeOf(i);
          return { key, type, value: type in READERS ? value : null };
        });
      }),
    async close() {
      const c = await client?.catch(() => undefined);
      client = undefined;
      if (c) await c.quit().catch(() => c.disconnect());
    },
  };
}
