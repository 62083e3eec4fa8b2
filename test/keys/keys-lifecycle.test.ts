/** The key lifecycle as the business layer sees it, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOp } from '../../src/admin/execute.js';
import { manualClock } from '../../src/context/clock.js';
import { keysCreate, keysRevoke } from '../../src/keys/keys.ops.js';
import {
  createKey,
  expiringKeys,
  listKeys,
  revokeKey,
  rotateKey,
} from '../../src/keys/keys.service.js';
import { hashKey } from '../../src/formats/api-key.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';

describe.each(STORE_KINDS)('key lifecycle on %s', (kind) => {
  let t: TestStore;
  const clock = manualClock(Date.parse('2026-03-01T00:00:00Z'));
  beforeAll(async () => {
    t = await createTestStore(kind, { clock, actor: 'cli:alice@host' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores only a hash and a display prefix; 90 days by default', async () => {
    const k = await createKey(t.ctx, { name: 'koko-chatbot', scopes: ['support:read'] });
    const { rows } = await t.ctx.db.query<Record<string, unknown>>(
      'SELECT * FROM kgc_support.api_keys WHERE id = $1',
      [k.key.id],
    );
    const row = rows[0] as Record<string, unknown>;
    expect(row.hash).toBe(hashKey(k.api_key));
    expect(JSON.stringify(row)).not.toContain(k.api_key);
    expect(k.api_key.startsWith(row.prefix as string)).toBe(true);
    expect(k.key.expires_at).toBe('2026-05-30T00:00:00.000Z');
    expect(k.key.created_by).toBe('cli:alice@host');
  });

  it('lists active keys, and all with --all', async () => {
    const a = await createKey(t.ctx, { name: 'list-a', scopes: ['support:read'] });
    const b = await createKey(t.ctx, { name: 'list-b', scopes: ['erp:publish'] });
    await revokeKey(t.ctx, { id: b.key.id });
    const active = (await listKeys(t.ctx, {})).map((k) => k.id);
    expect(active).toContain(a.key.id);
    expect(active).not.toContain(b.key.id);
    const all = await listKeys(t.ctx, { all: true });
    expect(all.find((k) => k.id === b.key.id)?.status).toBe('revoked');
  });

  it('lists what expires within a window, soonest first', async () => {
    const soon = await createKey(t.ctx, {
      name: 'soon',
      scopes: ['support:read'],
      expires_in: '10d',
    });
    const sooner = await createKey(t.ctx, {
      name: 'sooner',
      scopes: ['support:read'],
      expires_in: '3d',
    });
    await createKey(t.ctx, { name: 'later', scopes: ['support:read'], expires_in: '30d' });
    const within = (await expiringKeys(t.ctx, { within: '14d' })).map((k) => k.id);
    expect(within).toEqual([sooner.key.id, soon.key.id]);
    expect(await expiringKeys(t.ctx, { within: '1d' })).toEqual([]);
  });

  it('rotates into a successor with the same name, scopes and lifetime; caps the grace at the old expiry', async () => {
    const k = await createKey(t.ctx, {
      name: 'rot',
      scopes: ['support:read', 'support:appointments'],
      expires_in: '2d',
      rate_limit: '7/s',
    });
    const r = await rotateKey(t.ctx, { id: k.key.id, grace: '7d' });
    expect(r.key).toMatchObject({
      name: 'rot',
      scopes: ['support:read', 'support:appointments'],
      rotated_from: k.key.id,
      rate_limit: '7/s,burst=10',
      status: 'active',
    });
    expect(Date.parse(r.key.expires_at) - Date.parse(r.key.created_at)).toBe(2 * 86_400_000);
    expect(r.previous).toMatchObject({
      id: k.key.id,
      status: 'rotated',
      rotated_to: r.key.id,
      expires_at: k.key.expires_at,
    });
    await expect(rotateKey(t.ctx, { id: k.key.id })).rejects.toMatchObject({
      code: 'key_already_rotated',
    });
  });

  it('refuses to rotate a revoked or unknown key, and revoking twice is harmless', async () => {
    const k = await createKey(t.ctx, { name: 'gone', scopes: ['support:read'] });
    const first = await revokeKey(t.ctx, { id: k.key.id });
    const second = await revokeKey(t.ctx, { id: k.key.id });
    expect(second.revoked_at).toBe(first.revoked_at);
    await expect(rotateKey(t.ctx, { id: k.key.id })).rejects.toMatchObject({
      code: 'key_not_active',
    });
    await expect(revokeKey(t.ctx, { id: 'key_nope' })).rejects.toMatchObject({
      code: 'key_not_found',
    });
  });

  it('validates op input, and audits every admin change (also a failed one) without the key', async () => {
    await expect(
      executeOp(t.ctx, keysCreate as never, { name: '', scopes: ['support:read'] }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      executeOp(t.ctx, keysCreate as never, { name: 'x', scopes: ['support:write'] }),
    ).rejects.toMatchObject({ code: 'invalid_scope' });
    const issued = (await executeOp(t.ctx, keysCreate as never, {
      name: 'audited',
      scopes: ['support:read'],
    })) as { key: { id: string }; api_key: string };
    await executeOp(t.ctx, keysRevoke as never, { id: issued.key.id });
    const { rows } = await t.ctx.db.query<{
      route: string;
      resource_id: string | null;
      status: number;
      actor: string;
    }>(
      `SELECT route, resource_id, status, actor FROM kgc_support.audit_log WHERE kind = 'admin' ORDER BY id`,
    );
    expect(rows.map((r) => [r.route, r.resource_id, r.status, r.actor])).toEqual([
      ['keys.create', null, 400, 'cli:alice@host'],
      ['keys.create', issued.key.id, 200, 'cli:alice@host'],
      ['keys.revoke', issued.key.id, 200, 'cli:alice@host'],
    ]);
    expect(
      JSON.stringify((await t.ctx.db.query('SELECT * FROM kgc_support.audit_log')).rows),
    ).not.toContain(issued.api_key.slice(4));
  });
});

describe.each(STORE_KINDS)('key import on %s', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers a key made elsewhere by its hash, once, and never revives a revoked one', async () => {
    const { generateKey } = await import('../../src/keys/key-format.js');
    const { cryptoRandom } = await import('../../src/context/clock.js');
    const { importKey } = await import('../../src/keys/key-import.js');
    const plaintext = generateKey(cryptoRandom);
    const first = await importKey(t.ctx, {
      name: 'koko',
      scopes: ['support:read'],
      api_key: plaintext,
    });
    expect(first).toMatchObject({
      created: true,
      key: { name: 'koko', status: 'active', scopes: ['support:read'] },
    });
    const again = await importKey(t.ctx, {
      name: 'other name',
      scopes: ['admin'],
      api_key: `  ${plaintext}\n`,
    });
    expect(again).toMatchObject({
      created: false,
      key: { id: first.key.id, name: 'koko', scopes: ['support:read'] },
    });
    await revokeKey(t.ctx, { id: first.key.id });
    expect(
      (await importKey(t.ctx, { name: 'koko', scopes: ['support:read'], api_key: plaintext })).key
        .status,
    ).toBe('revoked');
    const { rows } = await t.ctx.db.query<Record<string, unknown>>(
      'SELECT * FROM kgc_support.api_keys WHERE id = $1',
      [first.key.id],
    );
    expect(JSON.stringify(rows)).not.toContain(plaintext);
    await expect(
      importKey(t.ctx, {
        name: 'x',
        scopes: ['support:read'],
        api_key: `${plaintext.slice(0, -1)}${plaintext.endsWith('x') ? 'y' : 'x'}`,
      }),
    ).rejects.toMatchObject({ code: 'malformed_api_key' });
  });
});
