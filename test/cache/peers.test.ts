/**
 * Several daemons on one PostgreSQL database each keep answers in memory: what one of
 * them learns went stale (an event it took in, an erasure it ran) reaches the others
 * through a notice on the change channel, so none of them keeps serving it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetCustomer } from '../../src/cache/erasure.js';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { generateKey } from '../../src/keys/key-format.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';

describe('in-process read caches of several daemons on one PostgreSQL', () => {
  let db: TestDatabase;
  const daemons: Daemon[] = [];
  const dirs: string[] = [];
  const read = generateKey(cryptoRandom);
  const publish = generateKey(cryptoRandom);
  const start = async (demo: boolean): Promise<Daemon> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kgc-peer-'));
    dirs.push(dataDir);
    const config = loadConfig({
      KGC_SUPPORT_DATA_DIR: dataDir,
      KGC_SUPPORT_PORT: '0',
      KGC_SUPPORT_LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      KGC_API_KEY: read,
      KGC_SUPPORT_PUBLISH_KEY: publish,
    });
    const d = await startDaemon({ config, logger: silentLogger as never, demo });
    daemons.push(d);
    return d;
  };
  const get = async (d: Daemon, path: string) => {
    const res = await fetch(`${d.url}${path}`, { headers: { 'x-api-key': read } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Polls `path` on `d` until `ok` holds (the notice travels through PostgreSQL), for at most 30 s. */
  const eventually = async (
    d: Daemon,
    path: string,
    ok: (r: { status: number; body: Record<string, unknown> }) => boolean,
    what: string,
  ) => {
    for (const until = Date.now() + 30_000; ;) {
      const r = await get(d, path);
      if (ok(r)) return r;
      if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(r)} after 30 s`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  beforeAll(async () => {
    db = await createDatabase('kgc_peer', { migrated: true });
    await start(true);
    await start(false);
  });
  afterAll(async () => {
    for (const d of daemons) await d.close();
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("drops another daemon's cached answer when one daemon takes in the event", async () => {
    const [a, b] = daemons as [Daemon, Daemon];
    const path = '/api/service/worklogs/M-2025-0123/status';
    const before = await get(b, path);
    expect(before.status).toBe(200);
    await a.ctx.erp.query(`UPDATE kgc_erp.worklogs SET status = 'kész' WHERE id = 'M-2025-0123'`);
    // b keeps its answer: the ERP changed, no event yet.
    expect((await get(b, path)).body.status).toBe(before.body.status);
    const res = await fetch(`${a.url}/api/events`, {
      method: 'POST',
      headers: { 'x-api-key': publish, 'content-type': 'application/json' },
      body: JSON.stringify({
        event: 'service.repair_done',
        data: { worklog_id: 'M-2025-0123', customer: { id: 'C-456' }, pickup_info: {} },
      }),
    });
    expect(res.status).toBe(202);
    await eventually(b, path, (r) => r.body.status === 'kész', 'the other daemon');
  });

  it("drops every daemon's answers about an erased customer", async () => {
    const [a, b] = daemons as [Daemon, Daemon];
    const path = '/api/rentals/R-2025-001/status';
    expect((await get(b, path)).status).toBe(200);
    // The ERP step's work, then its notice (erp.step.ts), run by daemon a.
    await a.ctx.erp.query(`DELETE FROM kgc_erp.rentals WHERE customer_id = 'C-123'`);
    await forgetCustomer(a.ctx, 'C-123');
    await eventually(b, path, (r) => r.status === 404, "the erased customer's rental");
  });
});
