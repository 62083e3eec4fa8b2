/**
 * The embedded engine on its worker thread (the daemon's store) keeps PGlite's
 * semantics: the same types, one transaction at a time with queries outside it
 * waiting, errors with their PostgreSQL fields, NOTIFY heard after the commit only,
 * and a commit that is on disk when it is answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/context/db.js';
import { ENGINE_SETTINGS } from '../../src/store/pglite-settings.js';
import { openPgliteThread } from '../../src/store/pglite-thread.js';
import { pgliteImage } from '../helpers/pglite-image.js';

const open = async (dataDir?: string, onExit?: (err: Error) => void): Promise<Db> =>
  openPgliteThread({
    dataDir,
    label: 'test',
    settings: ENGINE_SETTINGS,
    ...(dataDir === undefined ? { image: await pgliteImage() } : {}),
    ...(onExit ? { onExit } : {}),
  });

describe('the embedded engine on its own thread', () => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, n bigint, amount numeric, day date)');
  });
  afterAll(async () => {
    await db.close();
  });

  it('runs with the memory settings and returns the types both engines agree on', async () => {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT current_setting('shared_buffers') AS sb, 9007199254740991::bigint AS n,
              12.5::numeric AS amount, date '2026-02-01' AS day, now() AS at`,
    );
    expect(rows[0]).toMatchObject({ sb: '16MB', n: 9007199254740991, amount: 12.5 });
    expect(rows[0]?.day).toBe('2026-02-01');
    expect(rows[0]?.at).toBeInstanceOf(Date);
  });

  it('commits a transaction, and rolls it back when its function throws', async () => {
    await db.tx(async (q) => {
      await q.query('INSERT INTO t (id, n) VALUES (1, 10)');
      await q.query('INSERT INTO t (id, n) VALUES (2, 20)');
    });
    await expect(
      db.tx(async (q) => {
        await q.query('INSERT INTO t (id, n) VALUES (3, 30)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await db.query<{ id: number }>('SELECT id FROM t ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('makes a query outside a transaction wait for its end', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const tx = db.tx(async (q) => {
      await q.query('UPDATE t SET n = 11 WHERE id = 1');
      await held;
      order.push('tx done');
    });
    // Give the transaction time to start, then ask from outside: it must see the commit.
    await new Promise((r) => setTimeout(r, 50));
    const outside = db.query<{ n: number }>('SELECT n FROM t WHERE id = 1').then((r) => {
      order.push('outside answered');
      return r.rows[0]?.n;
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await tx;
    expect(await outside).toBe(11);
    expect(order).toEqual(['tx done', 'outside answered']);
  });

  it('hands errors over with their PostgreSQL fields', async () => {
    const err = await db.query('INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey', table: 't' });
    // A failed commit (deferred constraint) fails the transaction call, and nothing is kept.
    await db.exec(
      'CREATE TABLE d (id int, CONSTRAINT d_once UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)',
    );
    const late = await db
      .tx(async (q) => {
        await q.query('INSERT INTO d VALUES (1), (1)');
      })
      .catch((e: unknown) => e);
    expect(late).toMatchObject({ code: '23505', constraint: 'd_once' });
    expect((await db.query('SELECT * FROM d')).rows).toEqual([]);
  });

  it('delivers NOTIFY after a commit, and never for a rolled back transaction', async () => {
    const heard: string[] = [];
    const unlisten = await db.listen('kgc_test', (p) => heard.push(p));
    await db.tx(async (q) => {
      await q.query(`SELECT pg_notify('kgc_test', 'kept')`);
    });
    await db
      .tx(async (q) => {
        await q.query(`SELECT pg_notify('kgc_test', 'dropped')`);
        throw new Error('rollback');
      })
      .catch(() => {});
    await db.query(`SELECT pg_notify('kgc_test', 'after')`);
    for (const until = Date.now() + 10_000; heard.length < 2 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual(['kept', 'after']);
    await unlisten();
    await db.query(`SELECT pg_notify('kgc_test', 'unheard')`);
    expect(heard).toEqual(['kept', 'after']);
  });

  it('refuses calls once closed', async () => {
    const other = await open();
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/stopped/);
  });
});

describe('an engine thread that stops', () => {
  it('fails the waiting call and every later one, and says so once', async () => {
    const exits: Error[] = [];
    // A stand-in engine that starts, then dies on its first statement (a WASM abort would).
    const db = await openPgliteThread({
      dataDir: undefined,
      label: 'dying',
      settings: [],
      onExit: (err) => exits.push(err),
      script: new URL('../fixtures/dying-engine.mjs', import.meta.url),
    });
    await expect(db.query('SELECT 1')).rejects.toThrow(/stopped \(exit code 70\)/);
    await expect(db.tx(async () => {})).rejects.toThrow(/stopped/);
    expect(exits).toHaveLength(1);
    await db.close();
    expect(exits).toHaveLength(1);
  });
});
