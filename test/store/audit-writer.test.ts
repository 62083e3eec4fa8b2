/** The audit buffer: batches under steady load, keeps rows while the database is away, flushes on close. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import type { AuditEntry } from '../../src/audit/audit.service.js';
import { until } from '../helpers/receiver.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

const entry = (i: number): AuditEntry => ({
  at: Date.now(),
  requestId: `r-${i}`,
  keyId: null,
  method: 'GET',
  route: '/api/x',
  resourceId: null,
  status: 200,
  latencyMs: 1,
});
const count = async (t: TestStore) =>
  Number(
    (await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kgc_support.audit_log'))
      .rows[0]?.n,
  );

describe('audit writer', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore('postgres');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes in batches at the flush interval under steady load, not one small batch after another', async () => {
    const flushes: number[] = [];
    const w = new AuditWriter(t.ctx, { flushMs: 100, onFlush: (rows) => flushes.push(rows) });
    let i = 0;
    const started = Date.now();
    while (Date.now() - started < 1_000) {
      // About 5,000 rows a second: a busy daemon.
      for (let k = 0; k < 5; k++) w.push(entry(i++));
      await new Promise((r) => setTimeout(r, 1));
    }
    await w.close();
    expect(flushes.reduce((a, b) => a + b, 0)).toBe(i);
    expect(await count(t)).toBe(i);
    // About one flush per 100 ms over a second (and the final one at close), whatever the rate.
    expect(flushes.length).toBeLessThanOrEqual(15);
  });

  it('keeps rows while the database fails and writes them when it is back', async () => {
    const before = await count(t);
    let down = true;
    let refused = 0;
    const db = {
      ...t.ctx.db,
      tx: <T>(fn: Parameters<typeof t.ctx.db.tx<T>>[0]) => {
        if (!down) return t.ctx.db.tx(fn);
        refused += 1;
        return Promise.reject(new Error('connection refused'));
      },
    };
    const w = new AuditWriter({ db, logger: t.ctx.logger }, { flushMs: 20 });
    for (let k = 0; k < 50; k++) w.push(entry(k));
    // The timer's flush tried and failed; an explicit flush fails too: the rows stay.
    await until(() => refused >= 1, 5_000, 'the timed flush to meet the failing database');
    await w.flush();
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(w.pending).toBe(50);
    down = false;
    await w.close();
    expect(w.pending).toBe(0);
    expect(await count(t)).toBe(before + 50);
  });

  it('when rows overflow the buffer during a slow write, drops only the oldest: every newer row is written', async () => {
    await t.ctx.db.query('DELETE FROM kgc_support.audit_log');
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let first = true;
    let entered: () => void = () => {};
    const atGate = new Promise<void>((r) => {
      entered = r;
    });
    const db = {
      ...t.ctx.db,
      tx: async <T>(fn: Parameters<typeof t.ctx.db.tx<T>>[0]) => {
        if (first) {
          first = false;
          entered();
          await gate;
        }
        return t.ctx.db.tx(fn);
      },
    };
    let dropped = 0;
    const w = new AuditWriter(
      { db, logger: t.ctx.logger },
      {
        flushMs: 1_000,
        maxBuffered: 10,
        onDrop: (n) => {
          dropped += n;
        },
      },
    );
    for (let k = 0; k < 6; k++) w.push(entry(k));
    const flushing = w.flush(); // rows 0-5 go out, held at the gate
    await atGate;
    for (let k = 6; k < 14; k++) w.push(entry(k)); // 14 > 10: the 4 oldest (0-3) are dropped meanwhile
    release();
    await flushing;
    await w.close();
    expect(dropped).toBe(4);
    const ids = (
      await t.ctx.db.query<{ request_id: string }>('SELECT request_id FROM kgc_support.audit_log')
    ).rows.map((r) => r.request_id);
    // 0-5 were already on their way, so they are written; what the buffer kept, 6-13, is too.
    for (let k = 6; k < 14; k++) expect(ids).toContain(`r-${k}`);
    expect(w.pending).toBe(0);
  });
});
