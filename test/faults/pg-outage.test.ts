/**
 * PostgreSQL going away under load, through a TCP proxy cut three times: the
 * daemon keeps running, `/ready` names the store while it is away, callers get 503
 * `store_unavailable` (never 500), the daemon reconnects by itself, and every
 * event acknowledged before, during and after is delivered, none twice beyond an
 * in-flight repeat. And a daemon started while PostgreSQL is away waits for it
 * (503 meanwhile) instead of exiting, and becomes ready once it is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { generateKey } from '../../src/keys/key-format.js';
import { refusedPort } from '../helpers/health.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { fastEnv } from '../helpers/webhooks.js';
import { accountDeliveries, startPublishers } from './publisher.js';

type Ready = { status: string; checks: Record<string, { status: string; detail?: string }> };
async function ready(url: string): Promise<{ code: number; body: Ready } | undefined> {
  try {
    const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) });
    return { code: res.status, body: (await res.json()) as Ready };
  } catch {
    return undefined;
  }
}

const root = mkdtempSync(join(tmpdir(), 'kgc-fault-pg-'));
let db: Awaited<ReturnType<typeof createDatabase>>;
let rx: TestReceiver;
let proxy: TcpProxy;
const key = generateKey(cryptoRandom);

function env(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KGC_SUPPORT_DATA_DIR: dir,
    DATABASE_URL: proxy.url(db.url),
    KGC_SUPPORT_PUBLISH_KEY: key,
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    ...fastEnv(rx.url),
    ...extra,
  };
}

beforeAll(async () => {
  db = await createDatabase('kgc_fault_pg');
  rx = await startReceiver();
  const target = new URL(db.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
});
afterAll(async () => {
  await proxy?.close();
  await rx?.stop();
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('PostgreSQL cut under load (TCP proxy)', () => {
  it('never exits, reports the store on /ready, answers 503 not 500, reconnects, loses nothing', async () => {
    const d: Daemon = await startDaemon({
      config: loadConfig({ ...env(join(root, 'a')), KGC_SUPPORT_PORT: '0' }),
      logger: silentLogger as never,
      demo: true, // the ERP contract /ready checks
    });
    const load = startPublishers(() => d.url, key, { workers: 4, prefix: 'cut' });
    const recoveries: number[] = [];
    try {
      await until(() => load.acked.size >= 20, 30_000, 'the first acknowledged events');
      for (let cut = 0; cut < 3; cut++) {
        await proxy.cut();
        await until(
          async () => {
            const r = await ready(d.url);
            return r?.code === 503 && r.body.checks.store?.status === 'fail';
          },
          15_000,
          '/ready to report the store',
        );
        const refusedBefore = load.codes.get('store_unavailable') ?? 0;
        await until(
          () => (load.codes.get('store_unavailable') ?? 0) > refusedBefore,
          15_000,
          'a caller to get 503 store_unavailable during the cut',
        );
        if (cut === 0) {
          // The CLI during the cut: the clear error through the admin socket, not `internal`.
          const io = recordingIO(env(join(root, 'a')));
          const code = await main(
            [
              'node',
              'kgc-support',
              'keys',
              'create',
              '--name',
              'during-cut',
              '--scope',
              'support:read',
            ],
            io,
          );
          expect(code).not.toBe(0);
          expect(io.err).toMatch(/store_unavailable|cannot be reached/);
          expect(io.err).not.toMatch(/internal/);
        }
        const ackedDuringCut = load.acked.size;
        await proxy.restore();
        const t0 = Date.now();
        let last: unknown;
        await until(
          async () => {
            const r = await ready(d.url);
            last = r?.body;
            return r?.code === 200;
          },
          30_000,
          '/ready again',
        ).catch((err: Error) => {
          throw new Error(`${err.message}: ${JSON.stringify(last)}`);
        });
        recoveries.push(Date.now() - t0);
        await until(
          () => load.acked.size >= ackedDuringCut + 20,
          30_000,
          'publishing to resume after the cut',
        );
      }
    } finally {
      await load.stop();
    }
    try {
      const acked = [...load.acked];
      const { got, lost, dup } = await accountDeliveries(acked, rx, 60_000);
      console.log(
        `[faults] PG cut x3: acknowledged ${acked.length}, delivered ${got.size}, lost ${lost.length}, ` +
          `duplicate ids ${dup.ids} (+${dup.extra}), answers ${JSON.stringify(Object.fromEntries(load.statuses))}, ` +
          `codes ${JSON.stringify(Object.fromEntries(load.codes))}, ready again after ${recoveries.join('/')} ms`,
      );
      expect(load.unexpected).toEqual([]);
      expect(load.statuses.get('500') ?? 0).toBe(0);
      expect(lost).toEqual([]);
      // A delivery in flight when its `delivered` mark cannot be written is sent again: at most a few.
      expect(dup.extra).toBeLessThanOrEqual(12);
      expect((await fetch(`${d.url}/health`)).status).toBe(200);
    } finally {
      await d.close();
    }
  }, 240_000);

  it('a daemon started while PostgreSQL is away waits (503, /ready says why) and becomes ready once it is back', async () => {
    await proxy.cut();
    const port = await refusedPort();
    const url = `http://127.0.0.1:${port}`;
    const starting = startDaemon({
      config: loadConfig({ ...env(join(root, 'b')), KGC_SUPPORT_PORT: String(port) }),
      logger: silentLogger as never,
      demo: true, // the ERP contract /ready checks
    });
    let started: Daemon | undefined;
    let failed: unknown;
    void starting.then(
      (d) => (started = d),
      (err: unknown) => (failed = err),
    );
    try {
      await until(async () => (await ready(url))?.code === 503, 30_000, 'the waiting daemon');
      const r = await ready(url);
      expect(r?.body.checks.store?.status).toBe('fail');
      expect(r?.body.checks.store?.detail).toMatch(/PostgreSQL/);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const pub = await fetch(`${url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(pub.status).toBe(503);
      expect(pub.headers.get('retry-after')).toBe('5');
      expect(((await pub.json()) as { code: string }).code).toBe('store_unavailable');
      expect(failed).toBeUndefined();
      expect(started).toBeUndefined();

      await proxy.restore();
      const t0 = Date.now();
      await until(() => started !== undefined || failed !== undefined, 60_000, 'the start');
      expect(failed).toBeUndefined();
      await until(async () => (await ready(url))?.code === 200, 30_000, '/ready');
      console.log(`[faults] PG away at start: ready ${Date.now() - t0} ms after it came back`);
      const res = await fetch(`${url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'late-start-1', event: 'order.arrived', data: {} }),
      });
      expect([202, 400]).toContain(res.status);
    } finally {
      await proxy.restore();
      await until(() => started !== undefined || failed !== undefined, 60_000, 'the start');
      await started?.close();
    }
  }, 180_000);

  it('Support and Redis away: /ready stays 200 and names them as warn; the store fails it', async () => {
    const nowhere = `http://127.0.0.1:${await refusedPort()}`;
    const d = await startDaemon({
      config: loadConfig({
        ...env(join(root, 'c')),
        KGC_SUPPORT_PORT: '0',
        SUPPORT_API_URL: nowhere,
        REDIS_URL: `redis://127.0.0.1:${await refusedPort()}`,
      }),
      logger: silentLogger as never,
      demo: true,
    });
    try {
      let r: Awaited<ReturnType<typeof ready>>;
      await until(
        async () => {
          r = await ready(d.url);
          return r?.body.checks.support?.status === 'warn';
        },
        30_000,
        'Support DOWN on /ready',
      );
      expect(r?.code).toBe(200);
      expect(r?.body.checks.support?.detail).toMatch(/Support DOWN/);
      expect(r?.body.checks.redis).toMatchObject({
        status: 'warn',
        detail: expect.stringContaining('Redis unreachable'),
      });
      await proxy.cut();
      await until(async () => (await ready(d.url))?.code === 503, 15_000, '/ready to fail');
      expect((await fetch(`${d.url}/health`)).status).toBe(200);
    } finally {
      await proxy.restore();
      await d.close();
    }
  }, 120_000);
});
