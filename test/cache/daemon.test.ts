/**
 * The daemon as installed: it keeps Pull API answers in memory, in front of Redis with
 * REDIS_URL, serves hits over real HTTP, invalidates both tiers on POST /api/events and
 * shows them in /metrics; KGC_SUPPORT_CACHE=off leaves no cache and no cache metric.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { generateKey } from '../../src/keys/key-format.js';

const dataDirs: string[] = [];
afterAll(() => {
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

async function daemon(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kgc-cache-'));
  dataDirs.push(dataDir);
  const read = generateKey(cryptoRandom);
  const publish = generateKey(cryptoRandom);
  const config = loadConfig({
    KGC_SUPPORT_DATA_DIR: dataDir,
    KGC_SUPPORT_PORT: '0',
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    KGC_API_KEY: read,
    KGC_SUPPORT_PUBLISH_KEY: publish,
    ...env,
  });
  const d = await startDaemon({ config, logger: silentLogger as never, demo: true, memory: true });
  const metricsText = async () => (await fetch(`${d.url}/metrics`)).text();
  const get = async (path: string) =>
    (await fetch(`${d.url}${path}`, { headers: { 'x-api-key': read } })).json() as Promise<
      Record<string, unknown>
    >;
  const post = async (event: string, data: unknown) =>
    (
      await fetch(`${d.url}/api/events`, {
        method: 'POST',
        headers: { 'x-api-key': publish, 'content-type': 'application/json' },
        body: JSON.stringify({ event, data }),
      })
    ).status;
  return { d, get, post, metricsText };
}

describe('the daemon and its read cache', () => {
  it('serves, invalidates and counts with REDIS_URL', async () => {
    const prefix = `kgc-test:${randomBytes(4).toString('hex')}:cache`;
    const t = await daemon({
      REDIS_URL: 'redis://127.0.0.1:6379',
      KGC_SUPPORT_CACHE_PREFIX: prefix,
    });
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const path = '/api/service/worklogs/M-2025-0123/status';
      const first = await t.get(path);
      expect(await t.get(path)).toEqual(first);
      // Read once from the ERP and kept in Redis, then answered from memory.
      const metrics = await t.metricsText();
      expect(metrics).toMatch(/kgc_support_read_cache_requests_total\{result="miss"\} 1\b/);
      expect(metrics).toMatch(/kgc_support_memory_cache_requests_total\{result="hit"\} 1\b/);
      expect(await redis.keys(`${prefix}:customer:C-456:*`)).not.toEqual([]);
      await t.d.ctx.erp.query(
        `UPDATE kgc_erp.worklogs SET status = 'kész' WHERE id = 'M-2025-0123'`,
      );
      expect(
        await t.post('service.repair_done', {
          worklog_id: 'M-2025-0123',
          customer: { id: 'C-456' },
          pickup_info: {},
        }),
      ).toBe(202);
      expect((await t.get(path)).status).toBe('kész');
      expect(await t.metricsText()).toMatch(/kgc_support_read_cache_invalidations_total 1\b/);
    } finally {
      await t.d.close();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    }
  });

  it('keeps answers in memory without REDIS_URL', async () => {
    const t = await daemon({});
    try {
      const path = '/api/service/worklogs/M-2025-0123/status';
      expect(await t.get(path)).toEqual(await t.get(path));
      const metrics = await t.metricsText();
      expect(metrics).toMatch(/kgc_support_memory_cache_requests_total\{result="hit"\} 1\b/);
      expect(metrics).not.toContain('kgc_support_read_cache_requests_total');
    } finally {
      await t.d.close();
    }
  });

  it('has no cache with KGC_SUPPORT_CACHE=off', async () => {
    const t = await daemon({ KGC_SUPPORT_CACHE: 'off', REDIS_URL: 'redis://127.0.0.1:6379' });
    try {
      expect(t.d.ctx.cache).toBeUndefined();
      await t.get('/api/service/worklogs/M-2025-0123/status');
      expect(await t.metricsText()).not.toMatch(/kgc_support_(read|memory)_cache/);
    } finally {
      await t.d.close();
    }
  });
});
