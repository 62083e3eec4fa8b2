/**
 * Retention with a fake clock, on both engines: each kind of record is deleted once
 * it is past its period, and nothing younger is touched (one record just past and one
 * just within each period); what an unfinished erasure still needs, and the queue,
 * are never deleted. The view says what is held and when the oldest goes; the job's
 * health turns to a warning when a run fails or runs stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import type { Ctx } from '../../src/context/context.js';
import { retentionJob } from '../../src/retention/job.js';
import { pruneExpired, retentionView } from '../../src/retention/retention.service.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms);
const JUST = 60_000; // a minute either side of each period

describe.each(STORE_KINDS)('retention on %s', (kind) => {
  let t: TestStore;
  const clock = manualClock(NOW);
  const q = (text: string, params: unknown[] = []) => t.ctx.db.query(text, params);
  const event = (
    id: string,
    status: string,
    created: Date,
    dead: Date | null = null,
    type = 'order.arrived',
  ) =>
    q(
      `INSERT INTO kgc_support.events (id, type, occurred_at, data, body, source, status, run_at, created_at, dead_at)
       VALUES ($1, $5, $3, '{}', '{}', 'api', $2, $3, $3, $4)`,
      [id, status, created, dead, type],
    );
  const attempt = (eventId: string, n: number, at: Date) =>
    q(
      `INSERT INTO kgc_support.delivery_attempts (event_id, attempt, at, url, outcome, status, duration_ms, response, worker)
       VALUES ($1, $2, $3, 'http://support/webhook', 'retry', 500, 1, 'echo', 'w')`,
      [eventId, n, at],
    );
  const ids = async (table: string, col = 'id') =>
    (await q(`SELECT ${col} AS id FROM kgc_support.${table} ORDER BY 1`)).rows.map(
      (r) => (r as { id: string }).id,
    );

  beforeAll(async () => {
    t = await createTestStore(kind, { clock });
    // Events: past and within their periods (delivered/skipped 30 days, DLQ 30 days after death).
    await event('old-delivered', 'delivered', ago(30 * DAY + JUST));
    await event('young-delivered', 'delivered', ago(30 * DAY - JUST));
    await event('old-skipped', 'skipped', ago(31 * DAY));
    await event('old-dead', 'dead', ago(40 * DAY), ago(30 * DAY + JUST));
    await event('young-dead', 'dead', ago(40 * DAY), ago(30 * DAY - JUST));
    await event('old-rejected', 'rejected', ago(31 * DAY), ago(31 * DAY));
    await event('old-pending', 'pending', ago(90 * DAY)); // the queue: never by age
    // A dead customer.deleted that an unfinished (failed) erasure will replay on resume.
    await event('needed-dead', 'dead', ago(60 * DAY), ago(60 * DAY), 'customer.deleted');
    // Attempts: 7 days, whatever their event; an event's go with it.
    await attempt('old-delivered', 1, ago(30 * DAY));
    await attempt('young-dead', 1, ago(7 * DAY + JUST));
    await attempt('young-dead', 2, ago(7 * DAY - JUST));
    // Audit rows: 180 days.
    for (const [route, at] of [
      ['old', ago(180 * DAY + JUST)],
      ['young', ago(180 * DAY - JUST)],
    ] as const)
      await q(
        `INSERT INTO kgc_support.audit_log (at, kind, route, status) VALUES ($1, 'admin', $2, 200)`,
        [at, route],
      );
    // Erasure requests: completed ones go 5 years (1825 days) after they finished; others never.
    const request = (id: string, state: string, finished: Date | null) =>
      q(
        `INSERT INTO kgc_support.gdpr_requests (id, customer_hash, hash_key_id, reason, source, erase_mode, state, requested_by, created_at, updated_at, finished_at)
         VALUES ($1, 'h', 'rk', 'user_request', 'cli', 'delete', $2, 'cli:t', $3, $3, $4)`,
        [id, state, ago(2000 * DAY), finished],
      );
    await request('gdpr_00000000000000000001', 'completed', ago(1825 * DAY + JUST));
    await request('gdpr_00000000000000000002', 'completed', ago(1825 * DAY - JUST));
    await request('gdpr_00000000000000000003', 'failed', ago(1900 * DAY));
    await q(
      `INSERT INTO kgc_support.gdpr_steps (request_id, step, position, state, ref) VALUES
       ('gdpr_00000000000000000001', 'erp', 1, 'done', NULL),
       ('gdpr_00000000000000000003', 'webhook', 2, 'failed', 'needed-dead')`,
    );
    // Booking replies: a day.
    for (const [key, at] of [
      ['old', ago(DAY + JUST)],
      ['young', ago(DAY - JUST)],
    ] as const)
      await q(
        `INSERT INTO kgc_support.idempotency (key_id, idem_key, route, request_hash, status, response, created_at)
         VALUES ('key_t', $1, 'POST /api/service/appointments', 'h', 201, '{}', $2)`,
        [key, at],
      );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says what is held of each kind, how long it is kept and when the oldest goes', async () => {
    const v = await retentionView(t.ctx);
    const by = Object.fromEntries(v.kinds.map((k) => [k.kind, k]));
    expect(by.delivered_events).toMatchObject({
      held: 3,
      kept_for: '30d',
      setting: 'KGC_SUPPORT_EVENT_RETENTION',
      oldest_at: ago(31 * DAY).toISOString(),
      next_goes_at: new Date(NOW - 31 * DAY + 30 * DAY).toISOString(),
    });
    expect(by.dead_events?.held).toBe(4);
    expect(by.delivery_attempts?.kept_for).toBe('1w');
    expect(by.audit_log?.kept_for).toBe('180d');
    expect(by.gdpr_receipts).toMatchObject({ held: 2, kept_for: '1825d' });
    expect(by.booking_replies).toMatchObject({ held: 2, kept_for: '1d' });
    expect(by.backups?.note).toContain('does not prune');
    expect(v.last_run_at).toBeNull();
  });

  it('deletes each kind at its age and nothing younger', async () => {
    const r = await pruneExpired(t.ctx);
    expect(r).toMatchObject({ ok: true, errors: {} });
    expect(r.deleted).toEqual({
      delivered_events: 2,
      dead_events: 2,
      delivery_attempts: 1,
      audit_log: 1,
      gdpr_receipts: 1,
      booking_replies: 1,
    });
    expect(await ids('events')).toEqual([
      'needed-dead',
      'old-pending',
      'young-dead',
      'young-delivered',
    ]);
    expect(await ids('delivery_attempts', `event_id || '#' || attempt`)).toEqual(['young-dead#2']);
    expect(await ids('audit_log', 'route')).toEqual(['young']);
    expect(await ids('gdpr_requests')).toEqual([
      'gdpr_00000000000000000002',
      'gdpr_00000000000000000003',
    ]);
    expect(await ids('gdpr_steps', 'request_id')).toEqual(['gdpr_00000000000000000003']);
    expect(await ids('idempotency', 'idem_key')).toEqual(['young']);
    // A second run finds nothing more; the run is noted for the view and the health checks.
    expect(Object.values((await pruneExpired(t.ctx)).deleted).every((n) => n === 0)).toBe(true);
    expect((await retentionView(t.ctx)).last_run_at).toBe(new Date(NOW).toISOString());
  });

  it('and the rest goes when its time comes', async () => {
    clock.advance(2 * JUST);
    const r = await pruneExpired(t.ctx);
    expect(r.deleted).toMatchObject({
      delivered_events: 1,
      dead_events: 1,
      delivery_attempts: 0, // its event went first, with it
      audit_log: 1,
      gdpr_receipts: 1,
      booking_replies: 1,
    });
    expect(await ids('events')).toEqual(['needed-dead', 'old-pending']);
    clock.set(NOW);
  });

  it('the job reports to /ready: passing after a run, warning when a run fails or runs stop', async () => {
    const job = retentionJob(t.ctx);
    expect(job.check()).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('first run'),
    });
    await job.runNow();
    expect(job.check()).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('last run'),
    });
    clock.advance(3 * t.config.retentionIntervalMs + 1);
    expect(job.check()).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('no successful run'),
    });
    await job.runNow();
    expect(job.check().status).toBe('pass');
    // A store that refuses one kind's delete: the others are pruned, the run is a warning.
    const failing: Ctx = {
      ...t.ctx,
      db: new Proxy(t.ctx.db, {
        get(target, prop, receiver) {
          if (prop === 'query')
            return (text: string, params?: unknown[]) =>
              text.includes('DELETE FROM kgc_support.audit_log')
                ? Promise.reject(Object.assign(new Error('permission denied'), { code: '42501' }))
                : target.query(text, params);
          return Reflect.get(target, prop, receiver) as unknown;
        },
      }),
    };
    const broken = retentionJob(failing);
    const r = await broken.runNow();
    expect(r).toMatchObject({ ok: false, errors: { audit_log: expect.stringContaining('42501') } });
    expect(broken.check()).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('audit_log'),
    });
    clock.set(NOW);
  });
});
