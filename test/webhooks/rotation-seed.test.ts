/**
 * The webhook secret rotated while events flow, with the seed's own Python
 * validate_webhook (seed 8.1: X-KGC-Signature, one secret) as Support, following the
 * procedure of docs/webhooks.md: rotate, redeploy Support with the new secret,
 * activate. The old receiver refuses nothing (X-KGC-Signature keeps its secret until
 * the activation); no delivery is lost: each event ends delivered, none dead-lettered,
 * though the test leaves a window between the redeploy and the activation in which
 * the new receiver refuses deliveries (more often than the retry schedule allows).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { publishEvent } from '../../src/events/events.service.js';
import { activateWebhookSecret, rotateWebhookSecret } from '../../src/webhooks/secrets.service.js';
import { until } from '../helpers/receiver.js';
import { startSeedReceiver, type SeedReceiver } from '../helpers/seed-receiver.js';
import { createTestStore, STORE_KINDS } from '../helpers/store.js';
import { fastEnv, SAMPLES, SECRET, startTestDispatch } from '../helpers/webhooks.js';

const ok = (r: SeedReceiver) => r.lines.filter((l) => l.startsWith('ok ')).length;
const bad = (r: SeedReceiver) => r.lines.filter((l) => l.startsWith('bad ')).length;

describe.each(STORE_KINDS)('a webhook secret rotation on %s', (kind) => {
  const receivers: SeedReceiver[] = [];
  afterAll(async () => {
    for (const r of receivers) await r.stop();
  });

  it("loses no delivery to the seed's Python receiver across the documented procedure", async () => {
    const before = await startSeedReceiver(SECRET);
    receivers.push(before);
    const port = Number(new URL(before.url).port);
    const store = await createTestStore(kind, { env: fastEnv(before.url) });
    const d = await startTestDispatch(kind, {}, store);
    const ids: string[] = [];
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const { event } = await publishEvent(store.ctx, {
          event: 'order.arrived',
          data: SAMPLES['order.arrived'],
        });
        ids.push(event.id);
        await sleep(10);
      }
    })();
    try {
      await until(() => ok(before) >= 5, 20_000, 'deliveries before the rotation');
      // 1. Rotate: X-KGC-Signature keeps the old secret, the old receiver goes on accepting.
      const rotated = await rotateWebhookSecret(store.ctx, {});
      const atRotation = ok(before);
      await until(() => ok(before) >= atRotation + 5, 20_000, 'deliveries after the rotation');
      expect(bad(before)).toBe(0);
      // 2. Redeploy Support with the new secret (same address), 3. activate.
      await before.stop();
      const after = await startSeedReceiver(rotated.secret, port);
      receivers.push(after);
      // Support runs the new secret before the operator activates it: those deliveries are
      // refused (401), more often than the schedule's 3 attempts, and must not die of it.
      await until(
        async () =>
          (
            await store.ctx.db.query<{ n: number }>(
              'SELECT max(failures)::int AS n FROM kgc_support.events',
            )
          ).rows[0]?.n === 3,
        20_000,
        'an event refused 3 times before the activation',
      );
      await activateWebhookSecret(store.ctx, {});
      await until(() => ok(after) >= 5, 20_000, 'deliveries after the activation');
      producing = false;
      await producer;
      const byStatus = async () =>
        Object.fromEntries(
          (
            await store.ctx.db.query<{ status: string; n: number }>(
              'SELECT status, count(*)::int AS n FROM kgc_support.events GROUP BY status',
            )
          ).rows.map((r) => [r.status, r.n]),
        );
      await until(
        async () => (await byStatus()).delivered === ids.length,
        30_000,
        `all ${ids.length} events delivered`,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}; by status: ${JSON.stringify(await byStatus())}`);
      });
      expect(await byStatus()).toEqual({ delivered: ids.length });
      expect(ok(before) + ok(after)).toBeGreaterThanOrEqual(ids.length);
      // Only the window between the redeploy and the activation can see a refusal.
      expect(bad(before)).toBe(0);
      console.info(
        `rotation on ${kind}: ${ids.length} events, all delivered, 0 dead; ${bad(after)} attempt(s) refused in the redeploy-to-activation window, retried`,
      );
    } finally {
      producing = false;
      await producer;
      await d.close();
      await store.close();
    }
  });
});
