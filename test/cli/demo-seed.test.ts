/**
 * `kgc-support demo seed` never overwrites a real ERP: a database holding rows the
 * demo does not have, or the demo's ids with other values, is refused (erp_not_empty)
 * and left as it was; --force asks on a terminal and needs --yes without one. On its
 * own data it stays safe to repeat, on any later day.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { seedDemo } from '../../src/erp/demo/seed.js';
import type { Db } from '../../src/context/db.js';
import { migrationsDir } from '../../src/store/open.js';
import { openPostgres } from '../../src/store/postgres.js';
import { runCli } from '../helpers/cli.js';
import { createDatabase } from '../helpers/pg.js';
import { PtySession, ptyUnavailable } from '../helpers/pty.js';
import { createTestStore, STORE_KINDS } from '../helpers/store.js';

const REAL_C456 = `INSERT INTO kgc_erp.customers (id, name, phone) VALUES ('C-456', 'Valódi Vevő', '+36301110000'), ('C-9001', 'Másik Vevő', NULL)`;

describe('demo seed into an ERP database that holds real data', () => {
  let store: Awaited<ReturnType<typeof createDatabase>>;
  let erpDb: Awaited<ReturnType<typeof createDatabase>>;
  let erp: Db;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const names = async () =>
    (
      await erp.query<{ id: string; name: string }>(
        `SELECT id, name FROM kgc_erp.customers ORDER BY id`,
      )
    ).rows;

  beforeAll(async () => {
    store = await createDatabase('kgc_demo_store');
    erpDb = await createDatabase('kgc_demo_erp');
    erp = await openPostgres({ url: erpDb.url, poolMax: 2, logger: silentLogger });
    await erp.exec(readFileSync(join(migrationsDir(), '002_erp_reference.sql'), 'utf8'));
    await erp.exec(REAL_C456);
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-demo-'));
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      KGC_SUPPORT_DATA_DIR: dataDir,
      DATABASE_URL: store.url,
      ERP_DATABASE_URL: erpDb.url,
      KGC_SUPPORT_LOG_LEVEL: 'silent',
    };
  }, 60_000);
  afterAll(async () => {
    await erp?.close();
    await erpDb?.drop();
    await store?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is refused with erp_not_empty, naming what it found and --force; nothing changes', async () => {
    const r = await runCli(['demo', 'seed'], env);
    expect(r.code).toBe(1);
    expect(r.err).toContain("holds data other than the demo's");
    expect(r.err).toMatch(/customers: 1 row\(s\) the demo does not have \(C-9001\)/);
    expect(r.err).toMatch(/customers: C-456 differ\(s\) from the demo's row/);
    expect(r.err).toContain('--force');
    const json = await runCli(['demo', 'seed', '--json'], env);
    expect(json.code).toBe(1);
    expect(await names()).toEqual([
      { id: 'C-456', name: 'Valódi Vevő' },
      { id: 'C-9001', name: 'Másik Vevő' },
    ]);
  });

  it('--force without a terminal needs --yes; nothing changes', async () => {
    const r = await runCli(['demo', 'seed', '--force'], env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/pass --yes too to confirm/);
    expect(await names()).toEqual([
      { id: 'C-456', name: 'Valódi Vevő' },
      { id: 'C-9001', name: 'Másik Vevő' },
    ]);
  });

  it('--force on a terminal asks; "no" loads nothing', async (ctx) => {
    const why = ptyUnavailable();
    if (why) ctx.skip(why);
    const pty = new PtySession(['demo', 'seed', '--force'], env);
    await pty.waitFor('Load the demo data into this database anyway', 60_000);
    expect(pty.output).toContain('C-9001');
    pty.type('n\r');
    expect(await pty.exit()).toBe(0);
    expect(pty.output).toContain('Nothing loaded.');
    expect(await names()).toEqual([
      { id: 'C-456', name: 'Valódi Vevő' },
      { id: 'C-9001', name: 'Másik Vevő' },
    ]);
  }, 90_000);

  it("--force --yes loads it over the demo's ids (and leaves other rows)", async () => {
    const r = await runCli(['demo', 'seed', '--force', '--yes'], env);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Demo data loaded: 12 customers/);
    const rows = await names();
    expect(rows.find((c) => c.id === 'C-456')?.name).toBe('Nagy Péter');
    expect(rows.find((c) => c.id === 'C-9001')?.name).toBe('Másik Vevő');
  });
});

describe.each(STORE_KINDS)('demo seed on its own data (%s)', (kind) => {
  it('repeats on a later day (rental dates move), and refuses once a demo row was changed', async () => {
    const clock = manualClock(Date.parse('2030-01-02T10:00:00Z'));
    const ts = await createTestStore(kind, { clock });
    try {
      await seedDemo(ts.ctx);
      clock.advance(9 * 86_400_000);
      await expect(seedDemo(ts.ctx)).resolves.toMatchObject({ customers: 12 });
      await ts.ctx.erp.query(
        `UPDATE kgc_erp.worklogs SET status = 'kész' WHERE id = 'M-2025-0123'`,
      );
      await expect(seedDemo(ts.ctx)).rejects.toMatchObject({
        code: 'erp_not_empty',
        message: expect.stringMatching(/worklogs: M-2025-0123 differ/),
      });
      await ts.ctx.erp.query(
        `INSERT INTO kgc_erp.order_items (order_id, line_no, sku, name, quantity, status) VALUES ('O-2025-0456', 9, 'X', 'x', 1, 'rendelve')`,
      );
      await expect(seedDemo(ts.ctx)).rejects.toThrow(
        /order_items: 1 row\(s\) the demo does not have \(O-2025-0456\/9\)/,
      );
      await expect(seedDemo(ts.ctx, { force: true })).resolves.toMatchObject({ customers: 12 });
    } finally {
      await ts.close();
    }
  }, 60_000);
});
