/**
 * Issue 12, "nothing the ERP hands over disappears", on both engines: an outbox row
 * off its schema is kept (payload and reason) in the DLQ as rejected, logged at warn
 * without its payload, counted in /metrics, and replayed after a fix (validated
 * again) or purged on purpose (audited); an event older than KGC_SUPPORT_EVENT_MAX_AGE
 * is dead-lettered as expired instead of sent as if new, and `dlq replay` sends it.
 */
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { executeOp } from '../../src/admin/execute.js';
import type { Ctx } from '../../src/context/context.js';
import type { Logger } from '../../src/context/logger.js';
import {
  eventStats,
  getEvent,
  getEventDetail,
  publishEvent,
} from '../../src/events/events.service.js';
import { startDispatcher } from '../../src/webhooks/dispatcher.js';
import type { Dispatcher } from '../../src/webhooks/dispatcher.types.js';
import { listDlq, replayDlq } from '../../src/webhooks/dlq.service.js';
import { createWebhookMetrics } from '../../src/webhooks/webhooks.metrics.js';
import { dlqPurge, dlqReplay } from '../../src/webhooks/webhooks.ops.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';
import { fastEnv, SAMPLES } from '../helpers/webhooks.js';

interface Line {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function recordingLogger(lines: Line[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push(
        typeof obj === 'string'
          ? { level, obj: bindings, msg: obj }
          : { level, obj: { ...bindings, ...obj }, msg: msg ?? '' },
      );
    };
  return {
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    child: (b) => recordingLogger(lines, { ...bindings, ...b }),
  };
}

/** The row: `machine` in rental.started's shape (an object) where repair_done has text. */
const REPAIR_DONE_OFF_SCHEMA = {
  worklog_id: 'M-2025-0777',
  customer: { id: 'C-456', name: 'Nagy Péter', phone: '+36309876543' },
  machine: { id: 'MAK-TV01', name: 'Makita talajvágó' },
  pickup_info: { location_id: 'BP-01', address: '1134 Budapest, Váci út 45.' },
};

describe.each(STORE_KINDS)('the DLQ keeps what the ERP handed over on %s', (kind) => {
  let ts: TestStore;
  let rx: TestReceiver;
  let ctx: Ctx;
  let registry: Registry;
  let dispatcher: Dispatcher;
  const lines: Line[] = [];

  beforeAll(async () => {
    rx = await startReceiver();
    ts = await createTestStore(kind, { env: fastEnv(rx.url) });
    ctx = { ...ts.ctx, logger: recordingLogger(lines) };
    registry = new Registry();
    const metrics = createWebhookMetrics(registry, () => eventStats(ctx));
    dispatcher = await startDispatcher({ ctx, enabled: () => true, metrics });
  });
  afterEach(() => {
    rx.received.length = 0;
  });
  afterAll(async () => {
    await dispatcher?.close();
    await rx?.stop();
    await ts?.close();
  });

  const status = async (id: string) => (await getEvent(ctx, id).catch(() => undefined))?.status;
  const metricsText = async () => registry.metrics();
  const deliveredIds = () => rx.deliveries.map((r) => (JSON.parse(r.body) as { id: string }).id);

  it('an outbox row off its schema is rejected with its payload kept, logged without it, listed and counted', async () => {
    await ctx.db.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('erp-repair-777', 'service.repair_done', $1)`,
      [JSON.stringify(REPAIR_DONE_OFF_SCHEMA)],
    );
    dispatcher.wake();
    await until(
      async () => (await status('erp-repair-777')) === 'rejected',
      60_000,
      'the outbox row stored as rejected',
    );

    const detail = await getEventDetail(ctx, 'erp-repair-777');
    expect(detail.data).toEqual(REPAIR_DONE_OFF_SCHEMA);
    const listed = (await listDlq(ctx, {})).find((e) => e.id === 'erp-repair-777');
    expect(listed).toMatchObject({
      status: 'rejected',
      source: 'outbox',
      event: 'service.repair_done',
    });
    expect(listed?.last_error).toMatch(/^rejected: service\.repair_done: data\.machine /);

    const warned = lines.filter((l) => l.level === 'warn' && l.obj.eventId === 'erp-repair-777');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.obj.reason).toBe(listed?.last_error);
    expect(warned[0]?.msg).toMatch(/rejected by its schema.*dlq replay.*dlq purge/);
    expect(JSON.stringify(warned)).not.toMatch(/Nagy|36309876543|Váci/);

    const text = await metricsText();
    expect(text).toContain(
      'kgc_support_events_dead_lettered_total{event="service.repair_done",reason="rejected"} 1',
    );
    expect(text).toMatch(/^kgc_support_events_rejected 1$/m);
    expect((await eventStats(ctx)).rejected).toBe(1);
  });

  it('replay validates the kept payload again: still off its schema it stays rejected, with the reason, and is not sent', async () => {
    const r = await replayDlq(ctx, { ids: ['erp-repair-777'] });
    expect(r.replayed).toEqual([]);
    expect(r.skipped).toEqual([
      {
        id: 'erp-repair-777',
        reason: expect.stringMatching(/^still rejected: service\.repair_done: data\.machine /),
      },
    ]);
    expect(await status('erp-repair-777')).toBe('rejected');
    expect((await getEventDetail(ctx, 'erp-repair-777')).data).toEqual(REPAIR_DONE_OFF_SCHEMA);
    expect(
      lines.some(
        (l) =>
          l.level === 'warn' && l.obj.eventId === 'erp-repair-777' && /still fails/.test(l.msg),
      ),
    ).toBe(true);
  });

  it("a rejected event whose payload passes today's schema is delivered by replay; one with its data lost stays rejected", async () => {
    // As an older schema (or older code) left them: rejected, one with a payload valid
    // today, one stored without its data (`{}`), the way rejected rows were kept before.
    await ctx.db.query(
      `
      INSERT INTO kgc_support.events (id, type, occurred_at, data, body, source, status, created_at, dead_at, last_error)
      VALUES ('erp-repair-fixed', 'service.repair_done', now(), $1::jsonb, '', 'outbox', 'rejected', now(), now(), 'rejected: an older schema'),
             ('erp-repair-lost', 'service.repair_done', now(), '{}', '', 'outbox', 'rejected', now(), now(), 'rejected: an older schema')`,
      [JSON.stringify(SAMPLES['service.repair_done'])],
    );

    const dry = await replayDlq(ctx, {
      ids: ['erp-repair-fixed', 'erp-repair-lost'],
      dry_run: true,
    });
    expect(dry.replayed).toEqual(['erp-repair-fixed']);
    expect(await status('erp-repair-fixed')).toBe('rejected');

    const r = (await executeOp(ctx, dlqReplay as never, {
      ids: ['erp-repair-fixed', 'erp-repair-lost'],
    })) as { replayed: string[]; skipped: { id: string; reason: string }[] };
    expect(r.replayed).toEqual(['erp-repair-fixed']);
    expect(r.skipped).toEqual([
      {
        id: 'erp-repair-lost',
        reason: expect.stringMatching(/^still rejected: service\.repair_done: data\.worklog_id /),
      },
    ]);
    await rx.waitFor(1, 60_000);
    await until(
      async () => (await status('erp-repair-fixed')) === 'delivered',
      60_000,
      'the replayed event delivered',
    );
    const sent = JSON.parse(rx.deliveries[0]?.body ?? '{}') as {
      id: string;
      event: string;
      data: unknown;
    };
    expect(sent).toMatchObject({
      id: 'erp-repair-fixed',
      event: 'service.repair_done',
      data: SAMPLES['service.repair_done'],
    });
    expect(rx.deliveries[0]?.path).toMatch(/repair-done$/);
    expect((await getEvent(ctx, 'erp-repair-fixed')).replays).toBe(1);
    expect(await status('erp-repair-lost')).toBe('rejected');
    expect((await listDlq(ctx, {})).find((e) => e.id === 'erp-repair-lost')?.last_error).toMatch(
      /^rejected: service\.repair_done: data\.worklog_id /,
    );
  });

  it('a rejected event is discarded only on purpose: dlq purge of its id removes it, and the audit log says who', async () => {
    const r = (await executeOp(ctx, dlqPurge as never, { ids: ['erp-repair-777'] })) as {
      purged: string[];
    };
    expect(r.purged).toEqual(['erp-repair-777']);
    expect(await status('erp-repair-777')).toBeUndefined();
    const { rows } = await ctx.db.query<{ route: string; resource_id: string; actor: string }>(
      `SELECT route, resource_id, actor FROM kgc_support.audit_log WHERE kind = 'admin' AND route = 'dlq.purge'`,
    );
    expect(rows).toEqual([{ route: 'dlq.purge', resource_id: 'erp-repair-777', actor: 'test' }]);
  });

  it('an event that occurred 25 h ago is dead-lettered as expired, never sent; dlq replay delivers it', async () => {
    const occurredAt = new Date(Date.now() - 25 * 3600_000).toISOString();
    await publishEvent(ctx, {
      id: 'erp-late-1',
      event: 'order.arrived',
      occurred_at: occurredAt,
      data: SAMPLES['order.arrived'],
    });
    await publishEvent(ctx, {
      id: 'erp-fresh-1',
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    dispatcher.wake();
    // The fresh one published after it goes out: the dispatcher has been past the old one.
    await until(
      async () => (await status('erp-fresh-1')) === 'delivered',
      60_000,
      'the fresh event delivered',
    );
    await until(
      async () => (await status('erp-late-1')) === 'dead',
      60_000,
      'the old event dead-lettered',
    );
    expect(deliveredIds()).toEqual(['erp-fresh-1']);

    const listed = (await listDlq(ctx, {})).find((e) => e.id === 'erp-late-1');
    expect(listed).toMatchObject({ status: 'dead', attempts: 0 });
    expect(listed?.last_error).toMatch(
      /^expired: occurred more than 1d ago \(KGC_SUPPORT_EVENT_MAX_AGE\), not sent as if new/,
    );
    expect(await metricsText()).toContain(
      'kgc_support_events_dead_lettered_total{event="order.arrived",reason="expired"} 1',
    );
    expect(
      lines.some(
        (l) => l.level === 'warn' && l.obj.eventId === 'erp-late-1' && /expired/.test(l.msg),
      ),
    ).toBe(true);

    const r = await replayDlq(ctx, { ids: ['erp-late-1'] });
    expect(r.replayed).toEqual(['erp-late-1']);
    await until(
      async () => (await status('erp-late-1')) === 'delivered',
      60_000,
      'the replayed old event delivered',
    );
    expect(deliveredIds()).toEqual(['erp-fresh-1', 'erp-late-1']);
    const sent = JSON.parse(rx.deliveries[1]?.body ?? '{}') as { occurred_at: string };
    expect(sent.occurred_at).toBe(occurredAt);
  });

  it('an outbox row that waited past the maximum age (no daemon ran) is expired too, not sent 25 h late', async () => {
    await ctx.db.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data, occurred_at) VALUES ('erp-outbox-late', 'service.repair_done', $1, now() - interval '25 hours')`,
      [JSON.stringify(SAMPLES['service.repair_done'])],
    );
    dispatcher.wake();
    await until(
      async () => (await status('erp-outbox-late')) === 'dead',
      60_000,
      'the old outbox row dead-lettered',
    );
    expect((await getEvent(ctx, 'erp-outbox-late')).last_error).toMatch(/^expired: /);
    expect(deliveredIds()).toEqual([]);
  });
});
