/**
 * The queue contract with the real binary (bin/kgc-support.js, from dist/: `npm run build`
 * first), on both queues over one PostgreSQL: SIGKILL of a daemon mid-dispatch loses
 * nothing and repeats only what was in flight; two daemons share the work, each event
 * received once. The in-process part is queue-contract.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnDaemon } from '../e2e/daemon-process.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until, type Received } from '../helpers/receiver.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { fastEnv } from '../helpers/webhooks.js';
import { insertMany } from '../helpers/webhooks.js';
import { QUEUE_KINDS, queueEnv } from './queue-kit.js';

function tally(deliveries: readonly Received[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of deliveries) {
    const id = String(r.headers['webhook-id']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

async function allDelivered(ts: TestStore, n: number): Promise<void> {
  await until(
    async () => {
      const { rows } = await ts.ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM kgc_support.events WHERE status = 'delivered'`,
      );
      return rows[0]?.n === n;
    },
    120_000,
    `all ${n} events delivered`,
  );
}

describe.each(QUEUE_KINDS)('the real daemon on the %s queue', (kind) => {
  it('SIGKILL mid-dispatch of 600 events: after a restart every event is delivered; only in-flight ones repeat', async () => {
    const q = queueEnv(kind);
    const rx = await startReceiver(() => ({ status: 204, delayMs: 10 }));
    const db = await createDatabase('kgc_qkill');
    const dataDir = mkdtempSync(join(tmpdir(), 'kgc-qkill-'));
    const env = {
      KGC_SUPPORT_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      ...fastEnv(rx.url, {
        ...q.env,
        KGC_SUPPORT_WEBHOOK_CONCURRENCY: '8',
        KGC_SUPPORT_WEBHOOK_BATCH: '8',
        KGC_SUPPORT_WEBHOOK_TIMEOUT: '1s',
        KGC_SUPPORT_WEBHOOK_LEASE: '2500ms',
      }),
    };
    const ts = await createTestStore('postgres', { env });
    try {
      const ids = await insertMany(ts.ctx, 600);
      const first = await spawnDaemon(env);
      await rx.waitFor(200, 120_000);
      first.proc.kill('SIGKILL');
      await new Promise((r) => first.proc.once('exit', r));
      const restartedAt = Date.now();
      const second = await spawnDaemon(env);
      let recovered = 0;
      try {
        await until(
          async () => {
            const { rows } = await ts.ctx.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM kgc_support.events WHERE status = 'delivered'`,
            );
            return rows[0]?.n === 600;
          },
          120_000,
          'every event delivered after the restart',
        );
        recovered = Date.now() - restartedAt;
      } finally {
        expect(await second.stop()).toBe(0);
      }
      const seen = tally(rx.deliveries);
      expect(new Set(seen.keys())).toEqual(new Set(ids));
      const repeated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      // A repeat is an event the killed daemon had sent but not recorded: once before, once after.
      const before = tally(rx.deliveries.filter((r) => r.at < restartedAt));
      const after = tally(rx.deliveries.filter((r) => r.at >= restartedAt));
      for (const id of repeated) expect([id, before.get(id), after.get(id)]).toEqual([id, 1, 1]);
      expect(repeated.length).toBeLessThanOrEqual(16);
      const { rows } = await ts.ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM kgc_support.audit_log WHERE kind = 'notification'`,
      );
      expect(rows[0]?.n).toBe(600); // one notification audit row per event, repeats included
      process.stderr.write(
        `[queue-contract sigkill ${kind}] received ${rx.deliveries.length} for 600 events; repeated: ${repeated.length}; all delivered ${recovered} ms after the restart\n`,
      );
    } finally {
      await ts.close();
      await rx.stop();
      await db.drop();
      await q.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('two daemons share 1,000 events, each delivered exactly once, both doing part', async () => {
    const q = queueEnv(kind);
    const rx = await startReceiver(() => ({ status: 204, delayMs: 2 }));
    const db = await createDatabase('kgc_qtwo');
    const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'kgc-qtwo-')));
    const common = { DATABASE_URL: db.url, ...fastEnv(rx.url, q.env) };
    const ts = await createTestStore('postgres', {
      env: { ...common, KGC_SUPPORT_DATA_DIR: dirs[2] as string },
    });
    try {
      const a = await spawnDaemon({ ...common, KGC_SUPPORT_DATA_DIR: dirs[0] as string });
      const b = await spawnDaemon({ ...common, KGC_SUPPORT_DATA_DIR: dirs[1] as string });
      let ids: string[] = [];
      try {
        ids = await insertMany(ts.ctx, 1000);
        await rx.waitFor(1000, 120_000);
        await allDelivered(ts, 1000);
      } finally {
        expect(await a.stop()).toBe(0);
        expect(await b.stop()).toBe(0);
      }
      const seen = tally(rx.deliveries);
      expect(new Set(seen.keys())).toEqual(new Set(ids));
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      const { rows } = await ts.ctx.db.query<{ worker: string; n: number }>(
        'SELECT worker, count(*)::int AS n FROM kgc_support.delivery_attempts GROUP BY worker',
      );
      expect(rows).toHaveLength(2);
      process.stderr.write(
        `[queue-contract two daemons ${kind}] attempts per daemon: ${rows.map((r) => r.n).join(' + ')}\n`,
      );
    } finally {
      await ts.close();
      await rx.stop();
      await db.drop();
      await q.drop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 300_000);
});
