/**
 * Subject access (GDPR art. 15), on both engines against the stand-ins: `gdpr export`
 * gathers what every system the erasure reaches holds about one customer (the ERP's
 * rows, the memory files, the Chatwoot contacts, the Redis keys, the daemon's events,
 * attempts, audit rows, booking replies and outbox rows) into one JSON document,
 * nothing of the neighbour; it is audited by keyed hash; a system that cannot be read
 * makes the document incomplete (exit 1), never silently shorter.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOp } from '../../src/admin/execute.js';
import { publishEvents } from '../../src/events/events.service.js';
import { gdprOps } from '../../src/gdpr/gdpr.ops.js';
import type { SubjectAccess } from '../../src/gdpr/gdpr.schema.js';
import { runCli } from '../helpers/cli.js';
import {
  createGdprWorld,
  NEIGHBOUR,
  TARGET,
  type GdprWorld,
  type Person,
} from '../helpers/gdpr.js';
import { STORE_KINDS } from '../helpers/store.js';

const rental = (p: Person) => ({
  id: `exp-${p.id.toLowerCase()}`,
  event: 'rental.started',
  data: {
    rental_id: `R-${p.id}`,
    customer: { id: p.id, name: p.name, phone: p.phone, email: p.email },
    machine: { name: 'Makita talajvibrátor' },
    rental_start: '2026-01-05',
    rental_end: '2026-01-07',
  },
});

describe.each(STORE_KINDS)('gdpr export (%s)', (kind) => {
  let w: GdprWorld;
  let doc: SubjectAccess;
  const system = (name: string) => doc.systems.find((s) => s.system === name);
  beforeAll(async () => {
    w = await createGdprWorld(kind);
    await publishEvents(w.ctx, [rental(TARGET), rental(NEIGHBOUR)], 'api');
    await w.ctx.erp.query(
      `INSERT INTO kgc_erp.support_outbox (id, event, data) VALUES ('exp-outbox', 'rental.started', $1)`,
      [JSON.stringify(rental(TARGET).data)],
    );
    await w.ctx.db.query(
      `INSERT INTO kgc_support.audit_log (at, kind, key_id, method, route, resource_id, status, latency_ms)
       VALUES (now(), 'api', 'key_x', 'GET', '/api/customers/by-phone/:phone', $1, 200, 1)`,
      [TARGET.id],
    );
  });
  afterAll(async () => {
    await w?.close();
  });

  it('lists every system the erasure reaches, with what each holds', async () => {
    doc = (await executeOp(w.ctx, gdprOps.export, { customer_id: TARGET.id })) as SubjectAccess;
    expect(doc).toMatchObject({ export_version: 1, customer_id: TARGET.id, complete: true });
    expect(doc.systems.map((s) => [s.system, s.status])).toEqual([
      ['erp', 'found'],
      ['webhook', 'not_kept'],
      ['memory', 'found'],
      ['chatwoot', 'found'],
      ['redis', 'found'],
      ['store', 'found'],
    ]);
    const erp = system('erp')?.data as Record<string, { id: string }[]>;
    expect(Object.fromEntries(Object.entries(erp).map(([t, rows]) => [t, rows.length]))).toEqual({
      customers: 1,
      rentals: 1,
      worklogs: 1,
      orders: 1,
      order_items: 2,
      appointments: 2, // the linked booking and the one made by phone before they were a customer
    });
    expect(erp.customers?.[0]).toMatchObject({
      id: TARGET.id,
      name: TARGET.name,
      email: TARGET.email,
    });
    expect(system('memory')?.data).toEqual([
      {
        name: 'C-9001.json',
        bytes: expect.any(Number),
        content: { name: TARGET.name, phone: TARGET.phone, history: ['Szia!'] },
      },
      { name: 'C-9001.json.bak', bytes: expect.any(Number), content: { name: TARGET.name } },
    ]);
    const contacts = system('chatwoot')?.data as { match: string; contact: { id: number } }[];
    expect(contacts.map((c) => [c.contact.id, c.match])).toEqual([
      [w.contacts.target.id, 'identifier'],
      [w.contacts.targetByPhone.id, 'phone'],
    ]);
    expect(system('redis')?.detail).toBe('1203 keys; the first 1000 with their values');
    const keys = system('redis')?.data as { key: string; type: string; value: unknown }[];
    expect(keys).toHaveLength(1000);
    expect(keys.find((k) => k.key === `${w.prefix}chat:${TARGET.id}:history`)).toEqual({
      key: `${w.prefix}chat:${TARGET.id}:history`,
      type: 'list',
      value: ['Szia!', 'Mikor lesz kész?'],
    });
    const store = system('store')?.data as Record<string, Record<string, unknown>[]>;
    expect(store.events?.map((e) => e.id)).toEqual([rental(TARGET).id]);
    expect(store.audit_log).toHaveLength(1);
    expect(store.booking_replies).toHaveLength(1);
    expect(store.erp_outbox?.map((r) => r.id)).toEqual(['exp-outbox']);
  });

  it('holds nothing of the neighbour, whose id starts the same way', () => {
    const text = JSON.stringify(doc);
    for (const n of [NEIGHBOUR.name, NEIGHBOUR.phone, NEIGHBOUR.email, `"${NEIGHBOUR.id}"`])
      expect(text, n).not.toContain(n);
  });

  // The CLI in-process opens the store of the environment: a PostgreSQL world's database
  // (registered there only, so that the PGlite world reports no skipped test).
  if (kind === 'postgres')
    it('--output writes the document 0600 and never overwrites; the audit log names the export by keyed hash', async () => {
      const file = join(w.ts.dataDir, 'export.json');
      const first = await runCli(['gdpr', 'export', TARGET.id, '--output', file], w.env);
      expect(first.code, first.err).toBe(0);
      expect(first.out).toContain('every system read');
      expect(first.out).not.toContain(TARGET.phone); // the summary names systems, not data
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((JSON.parse(readFileSync(file, 'utf8')) as SubjectAccess).systems).toHaveLength(6);
      const again = await runCli(['gdpr', 'export', TARGET.id, '--output', file], w.env);
      expect(again.code).toBe(2);
      expect(again.err).toContain('never overwrites');

      const audit = await runCli(
        ['audit', '--kind', 'admin', '--route', 'gdpr.export', '--json'],
        w.env,
      );
      const rows = audit.json<{ resource_id: string }[]>();
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const r of rows) expect(r.resource_id).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
      expect(audit.out).not.toContain(TARGET.id);
    });

  if (kind === 'postgres')
    it('a system that cannot be read makes the document incomplete: listed as unreachable, exit 1', async () => {
      await w.chatwoot.stop();
      try {
        const res = await runCli(['gdpr', 'export', TARGET.id, '--json'], w.env);
        expect(res.code).toBe(1);
        const partial = res.json<SubjectAccess>();
        expect(partial.complete).toBe(false);
        expect(partial.systems.find((s) => s.system === 'chatwoot')).toMatchObject({
          status: 'unreachable',
          detail: expect.stringContaining('Chatwoot'),
        });
        expect(partial.systems.find((s) => s.system === 'erp')?.status).toBe('found');
      } finally {
        await w.chatwoot.start();
      }
      const bad = await runCli(['gdpr', 'export', '../etc/passwd', '--json'], w.env);
      expect(bad.code).toBe(2);
    });
});
