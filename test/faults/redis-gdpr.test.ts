/**
 * Redis (Support's cache and chat state) unavailable during a GDPR cascade: Redis
 * behind a TCP proxy, connected once (as the daemon's worker keeps one connection),
 * then cut. The cascade does every other step, records Redis as `retry` (never
 * `done`: the customer's keys are all still there), the worker retries it while
 * Redis stays away, and completes the request by itself once Redis is back, with
 * the keys gone, the neighbour's kept and no finished step run twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErasureDeps } from '../../src/gdpr/deps.js';
import type { RequestView } from '../../src/gdpr/gdpr.schema.js';
import { erasureStatus, requestErasure } from '../../src/gdpr/gdpr.service.js';
import { startErasureWorker, type ErasureWorker } from '../../src/gdpr/worker.js';
import { createGdprWorld, NEIGHBOUR, TARGET, type GdprWorld } from '../helpers/gdpr.js';
import { until } from '../helpers/receiver.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const stateOf = (v: RequestView) => Object.fromEntries(v.steps.map((s) => [s.step, s.state]));
const runsOf = (v: RequestView) => Object.fromEntries(v.steps.map((s) => [s.step, s.runs]));

let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await startTcpProxy('127.0.0.1', 6379);
});
afterAll(async () => {
  await proxy?.close();
});

describe.each(['refuse', 'hang'] as const)('Redis away during a GDPR cascade (%s)', (mode) => {
  let w: GdprWorld | undefined;
  let deps: ErasureDeps | undefined;
  let worker: ErasureWorker | undefined;
  afterEach(async () => {
    await proxy.restore();
    await worker?.close();
    await deps?.close();
    await w?.close();
    w = undefined;
  });

  it('never reports the Redis step done while Redis is away, and completes by itself once it is back', async () => {
    w = await createGdprWorld('postgres', {
      REDIS_URL: proxy.url('redis://127.0.0.1:6379'),
      KGC_GDPR_RETRY_INTERVAL: '200ms',
      KGC_GDPR_HTTP_TIMEOUT: '1s',
    });
    const world = w;
    deps = w.deps();
    const d = deps;
    // Connected once, as the daemon's long-lived worker is, before Redis goes away.
    if (d.redis.kind !== 'ready') throw new Error('the world has Redis configured');
    await d.redis.api.scan('0', `${w.prefix}nothing`, 10);
    const keysBefore = await w.redisKeys();
    const targetKeys = keysBefore.filter(
      (k) => k.includes(`${TARGET.id}:`) || k.endsWith(TARGET.id),
    );
    expect(targetKeys.length).toBeGreaterThan(1000);

    await proxy.cut(mode);
    const first = await requestErasure(w.ctx, d, {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(first.state).toBe('partial');
    expect(stateOf(first)).toMatchObject({
      erp: 'done',
      memory: 'done',
      chatwoot: 'done',
      redis: 'retry',
    });
    expect(first.steps.find((s) => s.step === 'redis')?.detail).toMatch(/Redis/);
    // Not done means not done: every key of the customer is still there.
    expect(await w.redisKeys()).toEqual(keysBefore);

    worker = startErasureWorker(w.ctx, { deps: d, pollMs: 50 });
    const view = async (): Promise<RequestView> => {
      const [v] = await erasureStatus(world.ctx, { request_id: first.request_id });
      if (!v) throw new Error('the request is gone');
      return v;
    };
    // Retried while Redis stays away, and still not done.
    await until(async () => (await view()).runs >= 3, 30_000, 'the worker to retry the request');
    const whileAway = await view();
    expect(whileAway.state).not.toBe('completed');
    expect(stateOf(whileAway).redis).not.toBe('done');
    expect(await w.redisKeys()).toEqual(keysBefore);

    await proxy.restore();
    const t0 = Date.now();
    await until(
      async () => (await view()).state === 'completed',
      60_000,
      'the request to complete',
    );
    const done = await view();
    console.log(
      `[faults] Redis ${mode} during a cascade: ${whileAway.runs} runs while away, completed ${Date.now() - t0} ms after Redis returned, runs ${JSON.stringify(runsOf(done))}`,
    );
    expect(runsOf(done)).toMatchObject({ erp: 1, webhook: 1, memory: 1, chatwoot: 1 });
    const left = await w.redisKeys();
    expect(left.filter((k) => k.includes(TARGET.id) && !k.includes(NEIGHBOUR.id))).toEqual([]);
    expect(left.filter((k) => k.includes(NEIGHBOUR.id)).length).toBe(3);
  }, 120_000);
});
