/**
 * An operation served by the daemon (the CLI's door, the admin page) sees its own
 * effects before it answers, through the one path every change takes: the store's
 * change notification. A key change drops the key cache once, not once per path; a
 * revoked key is refused as soon as `keys revoke` returns. On both engines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';
import { STORE_KINDS } from '../helpers/store.js';

describe.each(STORE_KINDS)('operations served by a daemon on %s', (kind) => {
  let d: Daemon;
  let db: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'kgc-reactions-'));

  beforeAll(async () => {
    db = kind === 'postgres' ? await createDatabase('kgc_reactions') : undefined;
    const config = loadConfig({
      KGC_SUPPORT_DATA_DIR: dir,
      KGC_SUPPORT_PORT: '0',
      ...(db ? { DATABASE_URL: db.url } : {}),
    });
    d = await startDaemon({ config, logger: silentLogger as never, memory: kind === 'pglite' });
  });
  afterAll(async () => {
    await d?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const op = async (name: string, input: object) => {
    const res = await d.admin.inject({ method: 'POST', url: `/v1/ops/${name}`, payload: input });
    expect([name, res.statusCode]).toEqual([name, 200]);
    return res.json() as unknown;
  };
  const read = (key: string) =>
    d.api.inject({
      url: '/api/service/worklogs/M-2025-0123/status',
      headers: { authorization: `Bearer ${key}` },
    });

  it('a key change drops the key cache once, before the answer', async () => {
    const drops = vi.spyOn(d.verifier, 'invalidate');
    const created = (await op('keys.create', { name: 'once', scopes: ['support:read'] })) as {
      api_key: string;
      key: { id: string };
    };
    expect(drops).toHaveBeenCalledTimes(1);
    expect((await read(created.api_key)).statusCode).not.toBe(401);
    await op('keys.revoke', { id: created.key.id });
    expect(drops).toHaveBeenCalledTimes(2);
    // Refused at once: the cache that held the key as valid is gone.
    expect((await read(created.api_key)).json()).toMatchObject({ code: 'api_key_revoked' });
    drops.mockRestore();
  });

  it('the module switch is re-read before the answer', async () => {
    await op('plugin.disable', {});
    expect(d.moduleEnabled()).toBe(false);
    await op('plugin.enable', {});
    expect(d.moduleEnabled()).toBe(true);
  });
});
