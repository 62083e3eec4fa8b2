/**
 * A stalled PostgreSQL: connections stay open and no byte moves (the TCP proxy holds
 * them, `cut('stall')`), longer than any request may wait. Every request is answered
 * within a bound set by the statement and connection timeouts (KGC_SUPPORT_PG_QUERY_TIMEOUT,
 * KGC_SUPPORT_PG_CONNECT_TIMEOUT), as 503 store_unavailable and never 500; once the bytes
 * flow again the daemon is ready by itself, every acknowledged event is delivered, and an
 * erasure asked for just before the stall completes (the dispatcher and the GDPR worker
 * came through it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { erasureStatus } from '../../src/gdpr/gdpr.service.js';
import { generateKey } from '../../src/keys/key-format.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { fastEnv } from '../helpers/webhooks.js';
import { accountDeliveries, startPublishers } from './publisher.js';

const root = mkdtempSync(join(tmpdir(), 'kgc-fault-stall-'));
let db: Awaited<ReturnType<typeof createDatabase>>;
let rx: TestReceiver;
let proxy: TcpProxy;
const publishKey = generateKey(cryptoRandom);
const readKey = generateKey(cryptoRandom);

/** The statement and connection timeouts the daemon runs with here. */
const TIMEOUT_MS = 2_000;
/**
 * Longest answer allowed during the stall: a pool wait plus a statement, a second statement
 * of the same request and a margin for a loaded machine; far below the stall itself, so a
 * request that waits for the database to come back fails it.
 */
const BOUND_MS = 4 * TIMEOUT_MS + 4_000;
const STALL_MS = BOUND_MS + 8_000;

beforeAll(async () => {
  db = await createDatabase('kgc_fault_stall');
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

interface Timed {
  what: string;
  status: number | 'no answer';
  code?: string;
  ms: number;
}

/** Pull API reads, one after another, each timed (a request that never ends shows as its wait). */
function startReaders(url: string, log: Timed[]): { stop(): Promise<void> } {
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const t0 = Date.now();
      let status: Timed['status'] = 'no answer';
      let code: string | undefined;
      try {
        const res = await fetch(`${url}/api/customers/by-phone/+36301234567`, {
          headers: { authorization: `Bearer ${readKey}` },
          signal: AbortSignal.timeout(STALL_MS + 10_000),
        });
        status = res.status;
        const body = (await res.json()) as { code?: string };
        code = body.code;
      } catch {
        /* counted as no answer */
      }
      log.push({ what: 'GET by-phone', status, ...(code ? { code } : {}), ms: Date.now() - t0 });
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const all = [loop(), loop()];
  return {
    async stop() {
      running = false;
      await Promise.all(all);
    },
  };
}

describe('PostgreSQL stalled (open connections, no bytes) under load', () => {
  it('answers every request within the bound, 503 never 500, recovers, loses nothing', async () => {
    const d: Daemon = await startDaemon({
      config: loadConfig({
        KGC_SUPPORT_DATA_DIR: join(root, 'a'),
        DATABASE_URL: proxy.url(db.url),
        KGC_SUPPORT_PUBLISH_KEY: publishKey,
        KGC_API_KEY: readKey,
        KGC_SUPPORT_LOG_LEVEL: 'silent',
        KGC_SUPPORT_PORT: '0',
        KGC_SUPPORT_PG_QUERY_TIMEOUT: `${TIMEOUT_MS}ms`,
        KGC_SUPPORT_PG_CONNECT_TIMEOUT: `${TIMEOUT_MS}ms`,
        KGC_SUPPORT_GDPR_STEP_BACKOFF: '200ms',
        ...fastEnv(rx.url),
      }),
      logger: silentLogger as never,
      demo: true, // the ERP contract, and customer C-456 to erase
    });
    const reads: Timed[] = [];
    const load = startPublishers(() => d.url, publishKey, { workers: 3, prefix: 'stall' });
    const readers = startReaders(d.url, reads);
    let readyAgainMs = 0;
    let flowedAt = 0;
    try {
      await until(() => load.acked.size >= 20, 30_000, 'the first acknowledged events');
      // An erasure asked for by the ERP just before the stall.
      const erase = await fetch(`${d.url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${publishKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'stall-erase-c456',
          event: 'customer.deleted',
          data: { customer_id: 'C-456', gdpr_reason: 'user_request' },
        }),
      });
      expect(erase.status).toBeLessThan(300);
      // The stall hits the GDPR worker mid-run: its request is recorded, its steps not done.
      await until(
        async () => (await erasureStatus(d.ctx, { customer_id: 'C-456' })).length > 0,
        10_000,
        'the erasure of C-456 to be recorded before the stall',
      );
      const before = reads.length;
      await proxy.cut('stall');
      const stalledAt = Date.now();
      await until(
        () => reads.slice(before).some((r) => r.code === 'store_unavailable'),
        BOUND_MS * 2,
        'a read answered 503 store_unavailable during the stall',
      );
      await new Promise((r) => setTimeout(r, Math.max(0, STALL_MS - (Date.now() - stalledAt))));
      await proxy.restore();
      const t0 = Date.now();
      await until(
        async () =>
          (await fetch(`${d.url}/ready`, { signal: AbortSignal.timeout(BOUND_MS) })).status === 200,
        60_000,
        '/ready again after the stall',
      );
      readyAgainMs = Date.now() - t0;
      flowedAt = t0;
      const ackedAfter = load.acked.size;
      await until(() => load.acked.size >= ackedAfter + 20, 30_000, 'publishing to resume');
    } finally {
      await load.stop();
      await readers.stop();
    }
    try {
      const { lost, dup } = await accountDeliveries([...load.acked], rx, 60_000);
      const slowest = Math.max(...reads.map((r) => r.ms));
      const during = reads.filter((r) => r.code === 'store_unavailable').length;
      console.log(
        `[faults] PG stalled ${STALL_MS} ms: reads ${reads.length} (503 ${during}, slowest ${slowest} ms, bound ${BOUND_MS} ms), ` +
          `events acknowledged ${load.acked.size}, lost ${lost.length}, duplicates +${dup.extra}, ` +
          `answers ${JSON.stringify(Object.fromEntries(load.statuses))}, ready ${readyAgainMs} ms after the bytes flowed again`,
      );
      expect(reads.filter((r) => r.status === 'no answer')).toEqual([]);
      expect(reads.filter((r) => r.ms > BOUND_MS)).toEqual([]);
      expect(reads.filter((r) => r.status === 500)).toEqual([]);
      expect(load.statuses.get('500') ?? 0).toBe(0);
      expect(load.unexpected).toEqual([]);
      expect(lost).toEqual([]);
      // The GDPR worker came through: the erasure the stall interrupted completes, within
      // seconds of the store's return (not after the retry interval, 5 min, nor a lease, 1 min).
      await until(
        async () =>
          (await erasureStatus(d.ctx, { customer_id: 'C-456' })).some(
            (r) => r.state === 'completed',
          ),
        45_000,
        'the erasure of C-456 to complete after the stall',
      );
      console.log(
        `[faults] PG stalled: the interrupted erasure completed ${Date.now() - flowedAt} ms after the bytes flowed again`,
      );
    } finally {
      await d.close();
    }
  }, 240_000);
});
