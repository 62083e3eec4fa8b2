/**
 * erp/kgc-support-erp.sql on a real PostgreSQL holding the ERP's reference schema: applied
 * (twice: it is idempotent) by the owner, it gives the role of ERP_DATABASE_URL exactly
 * what the daemon needs: it reads the contract, books appointments, drains the outbox
 * through the daemon's own code, and may change nothing else.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import { missingContractTables } from '../../src/erp/contract.js';
import { drainOutbox } from '../../src/events/outbox.js';
import { assertErpDatabase, erpDatabaseProblem, erpSql } from '../../src/render/erp-database.js';
import { migrationsDir } from '../../src/store/open.js';
import { adminUrl, createDatabase } from '../helpers/pg.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

describe("the ERP DBA's SQL", () => {
  const role = `kgc_r_${randomBytes(4).toString('hex')}`;
  const password = `pw'${randomBytes(6).toString('hex')}`;
  let erpDb: Awaited<ReturnType<typeof createDatabase>>;
  let owner: pg.Client;
  let reader: pg.Client;
  let readerUrl: string;
  let ts: TestStore | undefined;

  beforeAll(async () => {
    erpDb = await createDatabase('kgc_erpsql');
    owner = new pg.Client({ connectionString: erpDb.url });
    await owner.connect();
    await owner.query(readFileSync(join(migrationsDir(), '002_erp_reference.sql'), 'utf8'));
    const u = new URL(erpDb.url);
    u.username = role;
    u.password = password;
    readerUrl = u.toString();
    // As the daemon's container names the server; this test reaches the same one at its own address.
    const seen = new URL(readerUrl);
    seen.hostname = 'erp-db';
    const sql = erpSql('t', assertErpDatabase(seen.toString()));
    await owner.query(sql);
    await owner.query(sql); // again, as after an upgrade
    reader = new pg.Client({ connectionString: readerUrl });
    await reader.connect();
  });
  afterAll(async () => {
    await reader?.end();
    await owner?.end();
    await ts?.close();
    await erpDb?.drop();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.end());
  });

  it('the role reads every contract table and sees the contract complete', async () => {
    for (const t of [
      'customers',
      'machines',
      'rentals',
      'worklogs',
      'orders',
      'order_items',
      'products',
      'inventory',
      'locations',
      'appointments',
    ]) {
      await expect(reader.query(`SELECT count(*) FROM kgc_erp.${t}`), t).resolves.toBeDefined();
    }
  });

  it('may book an appointment, and change nothing else', async () => {
    await owner.query(
      `INSERT INTO kgc_erp.locations (id, name, city) VALUES ('L1', 'Budapest', 'Budapest')`,
    );
    const booked = await reader.query<{
      id: string;
    }>(`INSERT INTO kgc_erp.appointments (id, location_id, slot_start, slot_minutes)
      VALUES ('A-L1-' || lpad(nextval('kgc_erp.appointment_seq')::text, 6, '0'), 'L1', '2030-01-02T10:00:00Z', 30) RETURNING id`);
    expect(booked.rows[0]?.id).toMatch(/^A-L1-\d{6}$/);
    await expect(
      reader.query(`INSERT INTO kgc_erp.customers (id, name) VALUES ('X-1', 'x')`),
    ).rejects.toThrow(/permission denied/);
    await expect(reader.query(`UPDATE kgc_erp.customers SET name = 'y'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(reader.query(`DELETE FROM kgc_erp.appointments`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(reader.query(`UPDATE kgc_erp.appointments SET status = 'x'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(reader.query(`UPDATE kgc_erp.support_outbox SET event = 'x'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      reader.query(
        `INSERT INTO kgc_erp.support_outbox (event, data) VALUES ('rental.started', '{}')`,
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(reader.query(`CREATE TABLE kgc_erp.mine (x int)`)).rejects.toThrow(
      /permission denied/,
    );
  });

  it('the daemon, as that role, finds the contract and drains the outbox the ERP wrote', async () => {
    await owner.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('evt_sql_1', 'order.arrived', '{"order_id":"O-1","customer_id":"C-1"}')`,
    );
    ts = await createTestStore('pglite', {
      env: { ERP_DATABASE_URL: readerUrl },
      clock: manualClock(Date.parse('2030-01-02T10:00:00Z')),
    });
    expect(await missingContractTables(ts.store.erp)).toEqual([]);
    const { moved } = await drainOutbox(ts.ctx);
    expect(moved).toBe(1);
    expect(
      (await owner.query('SELECT count(*)::int AS n FROM kgc_erp.support_outbox')).rows[0],
    ).toEqual({ n: 0 });
    const stored = await ts.store.db.query<{ id: string }>(
      `SELECT id FROM kgc_support.events WHERE id = 'evt_sql_1'`,
    );
    expect(stored.rows).toHaveLength(1);
  });

  it('refuses URLs it cannot write a role for, or that point at the container itself', () => {
    expect(erpDatabaseProblem('postgres://kgc_reader:pw@erp-db:5432/kgc')).toBeUndefined();
    expect(erpDatabaseProblem('postgres://kgc-reader:pw@erp-db:5432/kgc')).toMatch(
      /letters, digits and _/,
    );
    expect(erpDatabaseProblem('postgres://kgc_reader:pw@localhost./kgc')).toMatch(
      /container itself/,
    );
    expect(erpDatabaseProblem('postgres://kgc_reader:pw@127.1.2.3/kgc')).toMatch(
      /container itself/,
    );
    expect(erpDatabaseProblem('postgres://kgc_reader:pw@erp-db/kgc?host=/tmp')).toMatch(
      /container itself/,
    );
    expect(assertErpDatabase('postgres://r:p%40ss@erp-db/erp').password).toBe('p@ss');
    expect(assertErpDatabase('postgres://r@erp-db').database).toBe('r');
  });
});
