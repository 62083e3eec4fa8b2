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
import * as q from '../../src/gdpr/gdpr.queries.js';
import {
  assertErpDatabase,
  erpDatabaseProblem,
  erpSql,
  type ErpDatabase,
} from '../../src/render/erp-database.js';
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
  let erp: ErpDatabase;

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
    erp = assertErpDatabase(seen.toString());
    const sql = erpSql('t', erp, 'delete');
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
    await expect(reader.query(`DELETE FROM kgc_erp.machines`)).rejects.toThrow(/permission denied/);
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

  it("grants what the erase mode's erp step writes, and takes the other mode's back when it changes", async () => {
    const id = 'C-none';
    const deletes = [
      q.DELETE_APPOINTMENTS,
      q.DELETE_ORDER_ITEMS,
      q.DELETE_ORDERS,
      q.DELETE_WORKLOGS,
      q.DELETE_RENTALS,
      q.DELETE_CUSTOMER,
    ];
    const anonymise = async () => {
      await reader.query(q.ANONYMISE_CUSTOMER, [id, 'Törölt ügyfél']);
      await reader.query(q.ANONYMISE_APPOINTMENTS, [id]);
    };
    // Both modes blank the copies in bookings never linked to a customer.
    const unlinked = () => reader.query(q.ANONYMISE_UNLINKED_APPOINTMENTS, ['+36301234567']);
    const denied = /permission denied/;

    // Applied for delete (beforeAll): every delete of the cascade, no update of the customer.
    for (const sql of deletes) await expect(reader.query(sql, [id]), sql).resolves.toBeDefined();
    await expect(unlinked()).resolves.toBeDefined();
    await expect(anonymise()).rejects.toThrow(denied);

    // Rendered again for anonymise: the deletes are taken back, the anonymisation allowed.
    await owner.query(erpSql('t', erp, 'anonymise'));
    for (const sql of deletes) await expect(reader.query(sql, [id]), sql).rejects.toThrow(denied);
    await expect(anonymise()).resolves.toBeUndefined();
    await expect(unlinked()).resolves.toBeDefined();
    await expect(reader.query(`UPDATE kgc_erp.customers SET is_business = true`)).rejects.toThrow(
      denied,
    );
    // The outbox and the booking grants stay whatever the mode.
    await expect(
      reader.query(`DELETE FROM kgc_erp.support_outbox WHERE id = 'none'`),
    ).resolves.toBeDefined();

    await owner.query(erpSql('t', erp, 'delete'));
    for (const sql of deletes) await expect(reader.query(sql, [id]), sql).resolves.toBeDefined();
    await expect(anonymise()).rejects.toThrow(denied);
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
