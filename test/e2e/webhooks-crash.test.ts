/**
 * The real binary under the worst conditions: SIGKILL in the middle of dispatching
 * 1,000 events (every event still delivered, same webhook-id on every attempt, only
 * in-flight ones repeated), and two daemons on one PostgreSQL sharing 2,000 events
 * (each delivered exactly once). Needs dist/ (npm test builds it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom, systemClock } from '../../src/context/clock.js';
import type { Ctx } from '../../src/context/context.js';
import { silentLogger } from '../../src/context/logger.js';
import type { Db } from '../../src/context/db.js';
import { openStore } from '../../src/store/open.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until, type Received } from '../helpers/receiver.js';
import { fastEnv, insertMany } from '../helpers/webhooks.js';
import { spawnDaemon } from './daemon-process.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kgc-e2e-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Publishes n events straight into a store (no daemon holds it yet, or PostgreSQL). */
async function publishMany(
  env: Record<string, string>,
  n: number,
): Promise<{
  ids: string[];
  count: (status: string) => Promise<number>;
  attemptsOf: (events: string[]) => Promise<{ worker: string; outcome: string }[]>;
}> {
  const config = loadConfig({ KGC_SUPPORT_LOG_LEVEL: 'silent', ...env });
  const store = await openStore({ config, logger: silentLogger, command: 'test' });
  const ctx: Ctx = {
    config,
    db: store.db,
    erp: store.erp,
    logger: silentLogger,
    clock: systemClock,
    random: cryptoRandom,
    actor: 'test',
  };
  let ids: string[];
  try {
    ids = await insertMany(ctx, n);
  } finally {
    await store.close();
  }
  const withStore = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const s = await openStore({ config, logger: silentLogger, command: 'test', migrate: false });
    try {
      return await fn(s.db);
    } finally {
      await s.close();
    }
  };
  return {
    ids,
    attemptsOf: (events) =>
      withStore(
        async (db) =>
          (
            await db.query<{ worker: string; outcome: string }>(
              'SELECT worker, outcome FROM kgc_support.delivery_attempts WHERE event_id = ANY($1::text[])',
              [events],
            )
          ).rows,
      ),
    count: (status) =>
      withStore(
        async (db) =>
          (
            await db.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM kgc_support.events WHERE status = $1',
              [status],
            )
          ).rows[0]?.n ?? 0,
      ),
  };
}

function tally(deliveries: readonly Received[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of deliveries) {
    const id = String(r.headers['webhook-id']);
    expect(JSON.parse(r.body).id).toBe(id); // the body and the header name the same event, every attempt
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

describe('the daemon binary', () => {
  it.each(['pglite', 'postgres'] as const)(
    'SIGKILL while dispatching 1,000 events on %s: after a restart every event is delivered; only in-flight ones repeat',
    async (kind) => {
      const rx = await startReceiver(() => ({ status: 204, delayMs: 10 }));
      const db = kind === 'postgres' ? await createDatabase('kgc_kill') : undefined;
      // On PostgreSQL the restarted daemon cannot know the old one is dead: it waits out the lease (2 s here).
      const env = {
        KGC_SUPPORT_DATA_DIR: tempDir(),
        ...(db ? { DATABASE_URL: db.url } : {}),
        ...fastEnv(rx.url, {
          KGC_SUPPORT_WEBHOOK_CONCURRENCY: '8',
          KGC_SUPPORT_WEBHOOK_BATCH: '8',
          KGC_SUPPORT_WEBHOOK_TIMEOUT: '1s',
          KGC_SUPPORT_WEBHOOK_LEASE: '2500ms',
        }),
      };
      const { ids, count, attemptsOf } = await publishMany(env, 1000);
      const first = await spawnDaemon(env);
      // Alone this test takes 16 s; in the full suite on two cores, the daemon's WASM engine gets a
      // small share of a core and the same work has taken 120 s. The bounds are for a hang, not speed.
      await rx.waitFor(300, 120_000);
      first.proc.kill('SIGKILL');
      await new Promise((r) => first.proc.once('exit', r));
      const atKill = rx.deliveries.length;
      const restartedAt = Date.now();
      const second = await spawnDaemon(env);
      try {
        // Every id received, and nothing left pending (events delivered just before the kill whose
        // outcome was not written yet are delivered again: those are the repeats).
        await until(
          async () =>
            new Set(rx.deliveries.map((r) => r.headers['webhook-id'])).size === 1000 &&
            /^kgc_support_events_pending 0$/m.test(
              await (await fetch(`${second.url}/metrics`)).text(),
            ),
          240_000,
          'every event delivered',
        );
      } finally {
        expect(await second.stop()).toBe(0);
      }
      const seen = tally(rx.deliveries);
      expect(new Set(seen.keys())).toEqual(new Set(ids));
      const repeated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      const duplicates = repeated.length;
      expect(await count('delivered')).toBe(1000);
      // Only what was in flight at the kill repeats: events the killed daemon had sent but
      // not yet recorded as delivered (its requests in flight and its last unwritten outcomes).
      // Each of them was received once before the kill and once after, never more.
      const before = tally(rx.deliveries.filter((r) => r.at < restartedAt));
      const after = tally(rx.deliveries.filter((r) => r.at >= restartedAt));
      for (const id of repeated) expect([id, before.get(id), after.get(id)]).toEqual([id, 1, 1]);
      const killedWorker = `:${first.proc.pid}:`;
      const recorded = await attemptsOf(repeated);
      expect(
        recorded.filter((a) => a.worker.includes(killedWorker) && a.outcome === 'delivered'),
      ).toEqual([]);
      expect(duplicates).toBeLessThanOrEqual(64);
      process.stderr.write(
        `[sigkill ${kind}] delivered before the kill: ${atKill}; after the restart: ${rx.deliveries.length - atKill}; events delivered twice: ${duplicates}\n`,
      );
      await rx.stop();
      await db?.drop();
    },
    420_000,
  );

  it('two daemons on one PostgreSQL share 2,000 events, each delivered exactly once', async () => {
    const rx = await startReceiver(() => ({ status: 204, delayMs: 2 }));
    const db = await createDatabase('kgc_two');
    try {
      const common = { DATABASE_URL: db.url, ...fastEnv(rx.url) };
      const a = await spawnDaemon({ ...common, KGC_SUPPORT_DATA_DIR: tempDir() });
      const b = await spawnDaemon({ ...common, KGC_SUPPORT_DATA_DIR: tempDir() });
      let result: Awaited<ReturnType<typeof publishMany>>;
      try {
        result = await publishMany({ ...common, KGC_SUPPORT_DATA_DIR: tempDir() }, 2000);
        await rx.waitFor(2000, 60_000);
        await until(async () => (await result.count('delivered')) === 2000, 30_000, 'all settled');
      } finally {
        expect(await a.stop()).toBe(0);
        expect(await b.stop()).toBe(0);
      }
      // Both exited after SIGTERM, which waits for their deliveries in flight: every request
      // they sent has been answered, so the receiver has recorded it. Nothing more can come.
      const seen = tally(rx.deliveries);
      expect(seen.size).toBe(2000);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect(new Set(seen.keys())).toEqual(new Set(result.ids));
      // Both did part of the work.
      const c = loadConfig({ DATABASE_URL: db.url, KGC_SUPPORT_LOG_LEVEL: 'silent' });
      const s = await openStore({
        config: c,
        logger: silentLogger,
        command: 'test',
        migrate: false,
      });
      try {
        const { rows } = await s.db.query<{ worker: string; n: number }>(
          'SELECT worker, count(*)::int AS n FROM kgc_support.delivery_attempts GROUP BY worker',
        );
        expect(rows).toHaveLength(2);
        process.stderr.write(
          `[two daemons] attempts per daemon: ${rows.map((r) => r.n).join(' + ')}; deliveries received: ${rx.deliveries.length}\n`,
        );
      } finally {
        await s.close();
      }
    } finally {
      await db.drop();
      await rx.stop();
    }
  });
});
