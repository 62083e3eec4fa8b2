/**
 * The dispatcher's loop (src/webhooks/wake-loop.ts): each transition of its table, driven
 * through a pass the test holds open; and, on both engines, the one wake path of the real
 * dispatcher: a publish wakes it once and never queries the ERP's outbox, an outbox INSERT
 * wakes it once and is drained.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent } from '../../src/events/events.service.js';
import type { WakeReason } from '../../src/webhooks/dispatcher.types.js';
import {
  nextState,
  WakeLoop,
  type LoopSignal,
  type LoopState,
} from '../../src/webhooks/wake-loop.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { STORE_KINDS } from '../helpers/store.js';
import { fastEnv, SAMPLES, startTestDispatch, type TestDispatch } from '../helpers/webhooks.js';

/** A loop whose passes wait for the test to end them, recording what each was asked for. */
function heldLoop() {
  const passes: string[][] = [];
  const transitions: string[] = [];
  const ends: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let rests = 0;
  const loop = new WakeLoop<string>({
    pass: (reasons) =>
      new Promise<void>((resolve, reject) => {
        passes.push([...reasons].sort());
        ends.push({ resolve, reject });
      }),
    onTransition: (from, to, signal) => transitions.push(`${from} -${signal}-> ${to}`),
    onRest: () => rests++,
  });
  /** Ends the running pass and lets the loop move on. */
  const endPass = async (fail = false) => {
    const end = ends.shift();
    if (!end) throw new Error('no pass is running');
    if (fail) end.reject(new Error('the store is away'));
    else end.resolve();
    await new Promise((r) => setImmediate(r));
  };
  return { loop, passes, transitions, endPass, rests: () => rests };
}

describe('the dispatcher loop', () => {
  it('holds exactly the transitions its header names', () => {
    const signals: LoopSignal[] = ['wake', 'passed', 'stop'];
    const states: LoopState[] = ['WAITING', 'PASSING', 'PASSING_AGAIN', 'STOPPED'];
    const table = states.map((s) =>
      signals.map((g) => {
        try {
          return nextState(s, g);
        } catch {
          return '-';
        }
      }),
    );
    expect(table).toEqual([
      ['PASSING', '-', 'STOPPED'],
      ['PASSING_AGAIN', 'WAITING', 'STOPPED'],
      ['PASSING_AGAIN', 'PASSING', 'STOPPED'],
      ['STOPPED', 'STOPPED', 'STOPPED'],
    ]);
    expect(() => nextState('WAITING', 'passed')).toThrow(/no transition from WAITING on passed/);
  });

  it('runs one pass at a time: wakes during a pass make one more pass with all their reasons', async () => {
    const h = heldLoop();
    h.loop.wake('events');
    expect(h.loop.state).toBe('PASSING');
    h.loop.wake('outbox');
    h.loop.wake('poll');
    h.loop.wake('outbox');
    expect(h.loop.state).toBe('PASSING_AGAIN');
    expect(h.passes).toEqual([['events']]);
    await h.endPass();
    expect(h.loop.state).toBe('PASSING');
    expect(h.passes).toEqual([['events'], ['outbox', 'poll']]);
    expect(h.rests()).toBe(0);
    await h.endPass();
    expect(h.loop.state).toBe('WAITING');
    expect(h.rests()).toBe(1);
    expect(h.transitions).toEqual([
      'WAITING -wake-> PASSING',
      'PASSING -wake-> PASSING_AGAIN',
      'PASSING_AGAIN -wake-> PASSING_AGAIN',
      'PASSING_AGAIN -wake-> PASSING_AGAIN',
      'PASSING_AGAIN -passed-> PASSING',
      'PASSING -passed-> WAITING',
    ]);
  });

  it('hands a failed pass its reasons back for the next one, without running again on its own', async () => {
    const h = heldLoop();
    h.loop.wake('outbox');
    await h.endPass(true);
    expect(h.loop.state).toBe('WAITING');
    expect(h.passes).toHaveLength(1);
    h.loop.wake('poll');
    expect(h.passes[1]).toEqual(['outbox', 'poll']);
    await h.endPass();
    expect(h.loop.state).toBe('WAITING');
  });

  it('stops for good: from a pass, wakes are ignored and no pass follows', async () => {
    const h = heldLoop();
    h.loop.wake('events');
    h.loop.wake('poll');
    h.loop.stop();
    expect(h.loop.state).toBe('STOPPED');
    h.loop.wake('events');
    await h.endPass();
    expect(h.loop.state).toBe('STOPPED');
    expect(h.passes).toEqual([['events']]);
    expect(h.rests()).toBe(0);
    expect(h.transitions.at(-1)).toBe('STOPPED -passed-> STOPPED');
  });
});

describe.each(STORE_KINDS)('the dispatcher wakes once per change on %s', (kind) => {
  let rx: TestReceiver;
  let d: TestDispatch;
  const wakes: WakeReason[] = [];
  // The poll is kept out of the way: every wake here has to come from a notification.
  beforeAll(async () => {
    rx = await startReceiver();
    d = await startTestDispatch(kind, fastEnv(rx.url, { KGC_SUPPORT_WEBHOOK_POLL: '10m' }));
    await d.dispatcher.waitIdle();
    d.dispatcher.on('wake', (r) => wakes.push(r));
  });
  afterAll(async () => {
    await d?.close();
    await rx?.stop();
  });

  const count = (r: WakeReason) => wakes.filter((w) => w === r).length;

  it('a publish wakes it once, for the store’s notification, and leaves the outbox alone', async () => {
    wakes.length = 0;
    const drains = d.dispatcher.outboxDrains;
    await publishEvent(d.ts.ctx, { event: 'order.arrived', data: SAMPLES['order.arrived'] }, 'api');
    await rx.waitFor(1);
    await d.dispatcher.waitIdle();
    expect(count('events')).toBe(1);
    expect(count('outbox')).toBe(0);
    expect(d.dispatcher.outboxDrains).toBe(drains);
    expect(d.dispatcher.state).toBe('WAITING');
  });

  it('an outbox INSERT by the ERP wakes it once and is drained and delivered', async () => {
    wakes.length = 0;
    const drains = d.dispatcher.outboxDrains;
    const before = rx.deliveries.length;
    await d.ts.ctx.erp.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('erp-wake-once', 'order.arrived', $1)`,
      [JSON.stringify(SAMPLES['order.arrived'])],
    );
    await until(() => rx.deliveries.length > before, 20_000, 'the outbox event delivered');
    // The move into the store notifies `events:new` too (heard maybe after the delivery).
    await until(() => count('events') > 0, 20_000, 'the store’s notification of the move');
    await d.dispatcher.waitIdle();
    expect(count('outbox')).toBe(1);
    expect(count('events')).toBe(1);
    expect(d.dispatcher.outboxDrains).toBe(drains + 1);
  });
});
