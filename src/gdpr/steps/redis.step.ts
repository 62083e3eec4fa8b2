/**
 * Step 5: the customer's keys in Support's Redis (cache, chat state): every key
 * matching one of the configured patterns with {id} replaced by the customer id.
 * SCAN walks the keyspace in rounds (never KEYS, which blocks Redis) and UNLINK
 * frees the values in the background; a second full scan verifies that none is left.
 * The id was validated (no wildcard can reach a pattern); it is escaped all the same.
 */
import { erasurePatterns } from '../../cache/keys.js';
import type { RedisApi } from '../redis-client.js';
import {
  firstItems,
  plural,
  type ErasureStep,
  type StepContext,
  type StepPlan,
  type StepResult,
} from './step.js';
import { permanent } from './failure.js';

const SCAN_COUNT = 500;
/** An access request lists every key's value up to this many keys (chat logs can be long). */
const EXPORT_MAX_KEYS = 1000;
const UNLINK_BATCH = 500;

/** Escapes Redis glob characters, so the id matches only itself. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export function patternsFor(templates: readonly string[], customerId: string): string[] {
  return templates.map((t) => t.replace('{id}', globEscape(customerId)));
}

/** The configured patterns and, when the Pull API's read cache is on, the one covering its entries. */
const templatesOf = (sc: StepContext): string[] => [
  ...sc.ctx.config.gdprRedisPatterns,
  ...erasurePatterns(sc.ctx.config),
];

function client(sc: StepContext): RedisApi | undefined {
  const s = sc.deps.redis;
  if (s.kind === 'misconfigured') throw permanent(`Redis is configured by halves: ${s.why}`);
  return s.kind === 'ready' ? s.api : undefined;
}

/** Walks every pattern to the end; calls `onKeys` with each round's keys (deduplicated across patterns). */
async function scanAll(
  redis: RedisApi,
  patterns: readonly string[],
  onKeys: (keys: string[]) => Promise<void>,
): Promise<number> {
  const seen = new Set<string>();
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, pattern, SCAN_COUNT);
      cursor = next;
      const fresh = keys.filter((k) => !seen.has(k));
      fresh.forEach((k) => seen.add(k));
      if (fresh.length > 0) await onKeys(fresh);
    } while (cursor !== '0');
  }
  return seen.size;
}

const notConfigured = (sc: StepContext): string =>
  `Redis is not configured (${(sc.deps.redis as { why: string }).why})`;

export const redisStep: ErasureStep = {
  name: 'redis',
  position: 5,

  async plan(sc): Promise<StepPlan> {
    const redis = client(sc);
    if (!redis) return { action: 'skip', summary: notConfigured(sc), counts: {}, items: [] };
    const found: string[] = [];
    const patterns = patternsFor(templatesOf(sc), sc.request.customerId);
    await scanAll(redis, patterns, async (keys) => {
      found.push(...keys);
    });
    if (found.length === 0)
      return {
        action: 'nothing',
        summary: `no key matches ${patterns.join(', ')}`,
        counts: {},
        items: [],
      };
    return {
      action: 'erase',
      summary: `unlink ${plural(found.length, 'key')} matching ${patterns.join(', ')}`,
      counts: { keys: found.length },
      items: firstItems(found.sort()),
    };
  },

  async run(sc): Promise<StepResult> {
    const redis = client(sc);
    if (!redis) return { kind: 'skipped', counts: { keys: 0 }, detail: notConfigured(sc) };
    let unlinked = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      unlinked += await redis.unlink(batch);
      batch = [];
    };
    await scanAll(redis, patternsFor(templatesOf(sc), sc.request.customerId), async (keys) => {
      batch.push(...keys);
      if (batch.length >= UNLINK_BATCH) await flush();
    });
    await flush();
    const n = templatesOf(sc).length;
    return {
      kind: 'done',
      counts: { keys: unlinked },
      detail:
        unlinked === 0
          ? `no key matched ${plural(n, 'pattern')} (already gone)`
          : `unlinked ${plural(unlinked, 'key')} matching ${plural(n, 'pattern')}`,
    };
  },

  async verify(sc, result) {
    const redis = client(sc);
    if (!redis) return result.kind === 'skipped' ? undefined : 'Redis is not configured';
    const left = await scanAll(
      redis,
      patternsFor(templatesOf(sc), sc.request.customerId),
      async () => {},
    );
    return left === 0 ? undefined : `${plural(left, 'key')} still in Redis`;
  },

  async collect(sc) {
    const redis = client(sc);
    if (!redis) return { status: 'not_configured', detail: notConfigured(sc), data: [] };
    const keys: string[] = [];
    await scanAll(redis, patternsFor(templatesOf(sc), sc.request.customerId), async (found) => {
      keys.push(...found);
    });
    if (keys.length === 0) return { status: 'nothing', detail: 'no key matches', data: [] };
    keys.sort();
    const shown = keys.slice(0, EXPORT_MAX_KEYS);
    const data = await redis.values(shown);
    return {
      status: 'found',
      detail:
        keys.length > shown.length
          ? `${plural(keys.length, 'key')}; the first ${EXPORT_MAX_KEYS} with their values`
          : `${plural(keys.length, 'key')} with their values`,
      data,
    };
  },
};
