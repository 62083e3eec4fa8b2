/**
 * The queue contract's kit: a Redis key prefix of its own per test run (removed after,
 * SCAN + UNLINK, never KEYS), the settings that pick a queue, and bulk publishing
 * straight into a store.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { QueueKind } from '../../src/webhooks/queue/queue.js';

export const QUEUE_KINDS: readonly QueueKind[] = ['postgres', 'bullmq'];
export const REDIS_URL = process.env.KGC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface QueueEnv {
  env: Record<string, string>;
  /** The run's Redis keys (bullmq): how many there are, and remove them all. */
  keys(): Promise<string[]>;
  drop(): Promise<void>;
}

/** Settings that select `kind`; with bullmq, a Redis key prefix unique to this run. */
export function queueEnv(kind: QueueKind): QueueEnv {
  const prefix = `kgc-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> =
    kind === 'bullmq'
      ? { KGC_SUPPORT_QUEUE: 'bullmq', REDIS_URL, KGC_SUPPORT_QUEUE_PREFIX: prefix }
      : { KGC_SUPPORT_QUEUE: 'postgres' };
  const withRedis = async <T>(fn: (r: Redis) => Promise<T>): Promise<T> => {
    const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      return await fn(r);
    } finally {
      r.disconnect();
    }
  };
  const keys = (): Promise<string[]> =>
    kind !== 'bullmq'
      ? Promise.resolve([])
      : withRedis(async (r) => {
          const out: string[] = [];
          let cursor = '0';
          do {
            const [next, batch] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
            out.push(...batch);
            cursor = next;
          } while (cursor !== '0');
          return out;
        });
  return {
    env,
    keys,
    async drop() {
      const all = await keys();
      if (all.length > 0) await withRedis((r) => r.unlink(...all));
    },
  };
}
