/**
 * The operations' contracts, checked so they cannot drift: every mutating operation
 * declares what it changes (and a read-only one declares nothing), the daemon's
 * reactions follow the declarations, and the admin API answers through the output
 * schema: an undeclared field never leaves, an answer outside the schema is a 500.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeOutput } from '../../src/admin/execute.js';
import { ALL_OPS } from '../../src/admin/registry.js';
import { buildAdminApp } from '../../src/admin/server.js';
import { queryAudit } from '../../src/audit/audit.service.js';
import { opHooks, type OpReactions } from '../../src/daemon/op-reactions.js';
import { defineOp, OP_CHANGES, type AnyOp } from '../../src/ops/op.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

describe('operations declare what they change', () => {
  it('every mutating operation names what it changes; a read-only one names nothing', () => {
    const wrong = ALL_OPS.filter((op) =>
      op.mutates ? (op.changes ?? []).length === 0 : (op.changes ?? []).length > 0,
    ).map((op) => `${op.name} (mutates: ${op.mutates}, changes: ${JSON.stringify(op.changes)})`);
    expect(wrong).toEqual([]);
    const unknown = ALL_OPS.flatMap((op) =>
      (op.changes ?? []).filter((c) => !OP_CHANGES.includes(c)).map((c) => `${op.name}: ${c}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every operation an *.ops.ts file defines is registered (served by the admin API)', async () => {
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ops.ts'),
    );
    expect(files.length).toBeGreaterThan(5);
    const registered = new Set(ALL_OPS.map((op) => op.name));
    const missing = new Set<string>();
    for (const file of files) {
      const mod = (await import(join(src, file))) as Record<string, unknown>;
      const ops = Object.values(mod).flatMap((v) =>
        Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [],
      );
      for (const op of [...Object.values(mod), ...ops]) {
        const o = op as Partial<AnyOp> | null;
        if (o && typeof o === 'object' && typeof o.name === 'string' && typeof o.run === 'function')
          if (!registered.has(o.name)) missing.add(`${file}: ${o.name}`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('operation names are unique', () => {
    const names = ALL_OPS.map((op) => op.name);
    expect(names.length).toBe(new Set(names).size);
  });

  const recording = (done: string[], heard: boolean): OpReactions => ({
    flushAudit: async () => void done.push('flushAudit'),
    caughtUp: async () => (done.push('caughtUp'), heard),
    keysChanged: () => void done.push('keysChanged'),
    moduleChanged: async () => void done.push('moduleChanged'),
    eventsQueued: () => void done.push('eventsQueued'),
    published: (e) => void done.push(`published ${e.event}`),
  });

  it('the daemon reacts to the declarations, for every operation', async () => {
    for (const heard of [true, false])
      for (const op of ALL_OPS) {
        const done: string[] = [];
        const hooks = opHooks(recording(done, heard));
        await hooks.beforeOp(op);
        await hooks.afterOp(op, { event: { event: 'x.y', status: 'pending' }, replayed: false });
        const changes = op.changes ?? [];
        const reacted = ['keys', 'module', 'events', 'webhook_secrets'].some((c) =>
          changes.includes(c as never),
        );
        // Heard back: the change feed reacted already. Not heard: the reactions run directly.
        const direct = !heard && reacted;
        const expected = [
          ...(op.reads?.includes('audit') ? ['flushAudit'] : []),
          ...(op.published ? ['published x.y'] : []),
          ...(reacted ? ['caughtUp'] : []),
          ...(direct && changes.includes('keys') ? ['keysChanged'] : []),
          ...(direct && changes.includes('module') ? ['moduleChanged'] : []),
          ...(direct && changes.includes('events') ? ['eventsQueued'] : []),
        ];
        expect([op.name, heard, done]).toEqual([op.name, heard, expected]);
      }
  });

  it('a renamed operation keeps its reactions (no name prefixes)', async () => {
    const done: string[] = [];
    const hooks = opHooks(recording(done, false));
    const op = { ...fakeOp({}), name: 'credentials.retire', mutates: true, changes: ['keys'] };
    await hooks.afterOp(op as AnyOp, {});
    const named = { ...fakeOp({}), name: 'keys.create', mutates: true, changes: ['erp'] };
    await hooks.afterOp(named as AnyOp, {});
    expect(done).toEqual(['caughtUp', 'keysChanged']);
  });
});

const Answer = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  tags: Type.Array(Type.Object({ name: Type.String() })),
});

function fakeOp(answer: unknown, mutates = false): AnyOp {
  return defineOp({
    name: 'test.answer',
    summary: 'answers what the test gives',
    mutates,
    ...(mutates ? { changes: ['erp' as const] } : {}),
    input: Type.Object({}),
    output: Answer,
    run: async () => answer as never,
  }) as unknown as AnyOp;
}

describe('the admin API answers through the output schema', () => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await createTestStore('pglite');
  });
  afterAll(async () => {
    await ts?.close();
  });

  const call = async (op: AnyOp) => {
    const app = await buildAdminApp({ ctx: ts.ctx, ops: [op], info: () => ({}) });
    try {
      const res = await app.inject({ method: 'POST', url: `/v1/ops/${op.name}`, payload: {} });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    } finally {
      await app.close();
    }
  };

  it('drops a field the schema does not declare, at every depth; dates become ISO strings', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const res = await call(
      fakeOp({ id: 'a', at, tags: [{ name: 't', secret: 'x' }], key_hash: 'deadbeef' }),
    );
    expect(res).toEqual({
      status: 200,
      body: { id: 'a', at: '2026-01-02T03:04:05.000Z', tags: [{ name: 't' }] },
    });
  });

  it('an answer outside the schema is a 500 naming the field, never sent as it is', async () => {
    const res = await call(fakeOp({ id: 7, at: 'yesterday', tags: [] }));
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal');
    expect(JSON.stringify(res.body)).not.toContain('yesterday');
    expect(() => shapeOutput(fakeOp(null), { id: 7, at: 'x', tags: [] })).toThrow(
      /test\.answer answered outside its output schema: id /,
    );
    expect(() => shapeOutput(fakeOp(null), { id: 'a', at: 'not a date', tags: [] })).toThrow(/at /);
  });

  it('a mutating operation whose answer breaks its schema is audited as a 500', async () => {
    const res = await call(fakeOp({ id: 'a' }, true));
    expect(res.status).toBe(500);
    const rows = await queryAudit(ts.ctx, { kind: 'admin', route: 'test.answer' });
    expect(rows.map((r) => r.status)).toEqual([500]);
  });
});
