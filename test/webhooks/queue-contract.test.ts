/**
 * One delivery contract, two queues (issue 14): KGC_SUPPORT_QUEUE=postgres and =bullmq
 * (real Redis, a key prefix of this run's own) over a real PostgreSQL store and real
 * HTTP receivers. The store is the record either way, so the assertions read what a
 * user reads: each event's status, its attempts, the audit row of a delivery, the DLQ.
 * The real daemons' part (SIGKILL, two daemons) is in queue-contract-daemon.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/context/logger.js';
import { silentLogger } from '../../src/context/logger.js';
import { EVENT_TYPES } from '../../src/events/catalogue.js';
import { getEvent, getEventDetail, publishEvent } from '../../src/events/events.service.js';
import { startDispatcher } from '../../src/webhooks/dispatcher.js';
import type { Dispatcher } from '../../src/webhooks/dispatcher.types.js';
import { replayDlq } from '../../src/webhooks/dlq.service.js';
import { startReceiver, until, type Received, type TestReceiver } from '../helpers/receiver.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { fastEnv, SAMPLES } from '../helpers/webhooks.js';
import { insertMany } from '../helpers/webhooks.js';
import { QUEUE_KINDS, queueEnv, type QueueEnv } from './queue-kit.js';

function tally(deliveries: readonly Received[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of deliveries) {
    const id = String(r.headers['webhook-id']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

describe.each(QUEUE_KINDS)('the delivery contract on the %s queue', (kind) => {
  let q: QueueEnv;
  let ts: TestStore;
  let rx: TestReceiver;
  const module = { enabled: true };
  const started: Dispatcher[] = [];
  const start = async (workerId?: string): Promise<Dispatcher> => {
    const d = await startDispatcher({
      ctx: ts.ctx,
      enabled: () => module.enabled,
      ...(workerId ? { workerId } : {}),
    });
    started.push(d);
    return d;
  };
  const status = async (id: string) => (await getEvent(ts.ctx, id)).status;
  const allAre = (ids: readonly string[], s: string, what: string, ms = 20_000) =>
    until(async () => (await Promise.all(ids.map(status))).every((x) => x === s), ms, what);

  beforeAll(async () => {
    q = queueEnv(kind);
    rx = await startReceiver();
    // Backoff measurable: 300 ms between attempts, no jitter.
    ts = await createTestStore('postgres', {
      env: fastEnv(rx.url, {
        ...q.env,
        KGC_SUPPORT_WEBHOOK_SCHEDULE: '0,300ms,300ms',
        KGC_SUPPORT_WEBHOOK_JITTER: '0',
      }),
    });
  });
  afterEach(async () => {
    for (const d of started.splice(0)) await d.close();
    rx.behaviour = () => ({ status: 204 });
    rx.received.length = 0;
    module.enabled = true;
  });
  afterAll(async () => {
    await rx?.stop();
    await ts?.close();
    await q?.drop();
  });

  it('delivers every event type once, writing its attempt and its notification audit row', async () => {
    const d = await start();
    expect(d.queue).toBe(kind);
    const ids: string[] = [];
    for (const type of EVENT_TYPES)
      ids.push((await publishEvent(ts.ctx, { event: type, data: SAMPLES[type] })).event.id);
    await allAre(ids, 'delivered', 'every event delivered');
    await d.waitIdle();
    expect([...tally(rx.deliveries).values()]).toEqual(Array(ids.length).fill(1));
    const detail = await getEventDetail(ts.ctx, ids[0] as string);
    expect(detail.history.map((a) => [a.attempt, a.outcome, a.status])).toEqual([
      [1, 'delivered', 204],
    ]);
    const { rows } = await ts.ctx.db.query<{ route: string; resource_id: string | null }>(
      `SELECT route, resource_id FROM kgc_support.audit_log WHERE kind = 'notification' AND request_id = ANY($1::text[]) ORDER BY route`,
      [ids],
    );
    expect(rows).toHaveLength(ids.length);
    expect(rows.find((r) => r.route === 'service.repair_done')?.resource_id).toBe('M-2025-0123');
  });

  it('retries a failure after the schedule’s delay, then delivers once', async () => {
    rx.behaviour = (_r, nth) => (nth === 1 ? { status: 500, body: 'restarting' } : { status: 204 });
    const d = await start();
    const { event } = await publishEvent(ts.ctx, {
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    await allAre([event.id], 'delivered', 'delivery after a retry');
    await d.waitIdle();
    expect(rx.deliveries).toHaveLength(2);
    const [first, second] = rx.deliveries.map((r) => r.at) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(290);
    const detail = await getEventDetail(ts.ctx, event.id);
    expect(detail.history.map((a) => [a.attempt, a.outcome, a.status])).toEqual([
      [1, 'retry', 500],
      [2, 'delivered', 204],
    ]);
    expect(detail.event).toMatchObject({ status: 'delivered', attempts: 2, failures: 1 });
  });

  it('dead-letters after the last attempt, and a replay after the fix delivers it', async () => {
    rx.behaviour = () => ({ status: 502 });
    const d = await start();
    const { event } = await publishEvent(ts.ctx, {
      event: 'service.repair_done',
      data: SAMPLES['service.repair_done'],
    });
    await allAre([event.id], 'dead', 'the dead letter');
    await d.waitIdle();
    expect(rx.deliveries).toHaveLength(3);
    const dead = await getEventDetail(ts.ctx, event.id);
    expect(dead.history.map((a) => a.outcome)).toEqual(['retry', 'retry', 'dead']);
    rx.behaviour = () => ({ status: 200 });
    expect((await replayDlq(ts.ctx, { ids: [event.id] })).replayed).toEqual([event.id]);
    await allAre([event.id], 'delivered', 'the replayed delivery');
    await d.waitIdle();
    expect(rx.deliveries).toHaveLength(4);
    expect(await replayDlq(ts.ctx, { ids: [event.id] })).toMatchObject({
      replayed: [],
      skipped: [{ id: event.id, reason: 'already delivered' }],
    });
  });

  it('410 Gone ends the retries at once; Retry-After on 429 is waited for', async () => {
    rx.behaviour = (r, nth) =>
      r.path.endsWith('rental-ended')
        ? { status: 410 }
        : nth === 1
          ? { status: 429, headers: { 'retry-after': '1' } }
          : { status: 204 };
    const d = await start();
    const slow = (
      await publishEvent(ts.ctx, { event: 'rental.started', data: SAMPLES['rental.started'] })
    ).event.id;
    await allAre([slow], 'delivered', 'delivery after Retry-After');
    const times = rx.deliveries.map((r) => r.at);
    expect(times).toHaveLength(2);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(950);
    const gone = (
      await publishEvent(ts.ctx, { event: 'rental.ended', data: SAMPLES['rental.ended'] })
    ).event.id;
    await allAre([gone], 'dead', '410 dead');
    await d.waitIdle();
    expect(rx.deliveries).toHaveLength(3);
  });

  it('an event older than the max age is dead-lettered as expired, never sent', async () => {
    const d = await start();
    const { event } = await publishEvent(ts.ctx, {
      event: 'order.arrived',
      occurred_at: new Date(Date.now() - 25 * 3600_000).toISOString(),
      data: SAMPLES['order.arrived'],
    });
    await allAre([event.id], 'dead', 'the expired dead letter');
    await d.waitIdle();
    expect(rx.deliveries).toHaveLength(0);
    expect((await getEvent(ts.ctx, event.id)).last_error).toMatch(/^expired:/);
  });

  it('holds while the receiver is down (nothing dead-lettered), delivers on its return', async () => {
    const d = await start();
    await rx.stop();
    const ids = await insertMany(ts.ctx, 20);
    await until(() => d.held, 10_000, 'deliveries held');
    let failedProbes = 0;
    const off = d.on('probe', (up) => (failedProbes += up ? 0 : 1));
    // Longer than the whole schedule (0, 300 ms, 300 ms): five probes 100 ms apart.
    await until(() => failedProbes >= 8, 10_000, 'eight failed probes');
    off();
    for (const id of ids) expect(await status(id)).toBe('pending');
    await rx.start();
    await allAre(ids, 'delivered', 'delivery after the outage');
    const detail = await getEventDetail(ts.ctx, ids[0] as string);
    expect(detail.event.failures).toBe(0);
    expect(new Set(tally(rx.deliveries).keys())).toEqual(new Set(ids));
  });

  it('holds while the module is disabled, delivers once it is enabled', async () => {
    module.enabled = false;
    const d = await start();
    const ids = await insertMany(ts.ctx, 10);
    await d.waitIdle();
    expect(rx.deliveries).toHaveLength(0);
    for (const id of ids) expect(await status(id)).toBe('pending');
    module.enabled = true;
    d.wake();
    await allAre(ids, 'delivered', 'delivery after enable');
  });

  it('a retry falling due while the module is disabled waits for enable', async () => {
    rx.behaviour = (_r, nth) => (nth === 1 ? { status: 500 } : { status: 204 });
    const d = await start();
    const { event } = await publishEvent(ts.ctx, {
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    await until(
      async () => (await getEventDetail(ts.ctx, event.id)).history.length === 1,
      10_000,
      'the first attempt recorded',
    );
    module.enabled = false;
    const { rows } = await ts.ctx.db.query<{ run_at: Date }>(
      `SELECT run_at FROM kgc_support.events WHERE id = $1`,
      [event.id],
    );
    const due = (rows[0]?.run_at as Date).getTime();
    // The retry falls due (300 ms) with the module off; with BullMQ its delayed job fires too.
    await until(() => Date.now() > due + 200, 5_000, 'the retry to fall due');
    await until(
      async () => !(await q.keys()).some((k) => k.endsWith(':delayed') || k.endsWith(':wait')),
      10_000,
      'no job waiting in Redis',
    );
    await d.waitIdle();
    expect(rx.deliveries).toHaveLength(1);
    expect(await status(event.id)).toBe('pending');
    module.enabled = true;
    d.wake();
    await allAre([event.id], 'delivered', 'delivery after enable');
    expect(rx.deliveries).toHaveLength(2);
  });

  it('two workers share 600 events: each delivered exactly once, both did work', async () => {
    rx.behaviour = () => ({ status: 204, delayMs: 2 });
    const a = await start(`a:${process.pid}`);
    const b = await start(`b:${process.pid}`);
    const ids = await insertMany(ts.ctx, 600);
    await rx.waitFor(600, 60_000);
    await allAre(ids, 'delivered', 'all settled', 60_000);
    await Promise.all([a.waitIdle(), b.waitIdle()]);
    const seen = tally(rx.deliveries);
    expect(seen.size).toBe(600);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const { rows } = await ts.ctx.db.query<{ worker: string; n: number }>(
      `SELECT worker, count(*)::int AS n FROM kgc_support.delivery_attempts WHERE event_id = ANY($1::text[]) GROUP BY worker ORDER BY worker`,
      [ids],
    );
    expect(rows.map((r) => r.worker)).toEqual([`a:${process.pid}`, `b:${process.pid}`]);
  });

  it.runIf(kind === 'bullmq')(
    'a job lost in Redis is offered again from the store: nothing lost',
    async () => {
      rx.behaviour = (_r, nth) => (nth === 1 ? { status: 503 } : { status: 204 });
      const d = await start();
      const { event } = await publishEvent(ts.ctx, {
        event: 'rental.started',
        data: SAMPLES['rental.started'],
      });
      // The retry is a delayed job in Redis; Redis loses it (every key of this run).
      await until(async () => (await getEvent(ts.ctx, event.id)).attempts === 1, 10_000, 'a try');
      await until(
        async () => (await q.keys()).some((k) => k.endsWith(':delayed')),
        10_000,
        'the delayed retry job',
      );
      const lostAt = Date.now();
      await q.drop();
      await allAre([event.id], 'delivered', 'delivery after the reconcile');
      await d.waitIdle();
      expect(rx.deliveries).toHaveLength(2);
      process.stderr.write(
        `[queue-contract] a retry lost in Redis was delivered ${(rx.deliveries[1]?.at ?? 0) - lostAt} ms after the loss (reconcile period: the 5 s lease)\n`,
      );
    },
  );
});

describe('the bullmq queue with Redis unreachable', () => {
  it('starts, keeps every event in the store, and shuts down within bounds', async () => {
    const rx = await startReceiver();
    const ts = await createTestStore('postgres', {
      env: fastEnv(rx.url, {
        KGC_SUPPORT_QUEUE: 'bullmq',
        REDIS_URL: 'redis://127.0.0.1:1',
        KGC_SUPPORT_QUEUE_PREFIX: `kgc-test-${process.pid}-down`,
      }),
    });
    try {
      const warnings: string[] = [];
      const logger: Logger = {
        ...silentLogger,
        warn: (obj: object | string, msg?: string) => {
          warnings.push(typeof obj === 'string' ? obj : (msg ?? ''));
        },
        child: () => logger,
      };
      const d = await startDispatcher({ ctx: { ...ts.ctx, logger }, enabled: () => true });
      const ids = await insertMany(ts.ctx, 5);
      const settled: string[] = [];
      d.on('settled', (b) => settled.push(...b.map((o) => o.id)));
      await until(
        () => warnings.some((w) => w.startsWith('BullMQ queue:')),
        10_000,
        'the warning that Redis is away',
      );
      expect(warnings.filter((w) => w.startsWith('BullMQ queue:'))).toHaveLength(1); // once a minute, not per job
      const t0 = Date.now();
      await d.close();
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(settled).toEqual([]);
      expect(rx.deliveries).toHaveLength(0);
      for (const id of ids) expect((await getEvent(ts.ctx, id)).status).toBe('pending');
    } finally {
      await ts.close();
      await rx.stop();
    }
  });
});

describe('choosing the bullmq queue', () => {
  it('without REDIS_URL is refused at start, naming what is missing', async () => {
    const ts = await createTestStore('pglite', {
      env: fastEnv('http://127.0.0.1:9', { KGC_SUPPORT_QUEUE: 'bullmq' }),
    });
    try {
      await expect(startDispatcher({ ctx: ts.ctx, enabled: () => true })).rejects.toMatchObject({
        code: 'invalid_config',
        message: expect.stringContaining('REDIS_URL') as unknown as string,
      });
    } finally {
      await ts.close();
    }
  });
});
