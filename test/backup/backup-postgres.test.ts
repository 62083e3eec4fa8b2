/**
 * backup and restore of a daemon store in PostgreSQL (DATABASE_URL) with the host's
 * pg_dump and pg_restore: state changed after the backup is gone after a restore, and
 * restore refuses while a daemon is connected to the database.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type DaemonProcess } from '../e2e/daemon-process.js';
import { cliEnv, errorOf, keyNames as keyNamesOf, runCli, tempRoot } from '../helpers/cli.js';
import { createDatabase } from '../helpers/pg.js';

interface Facts {
  file: string;
  bytes: number;
  sha256: string;
  store: string;
}

const tools =
  (await execa('pg_dump', ['--version'], { reject: false })).exitCode === 0 &&
  (await execa('pg_restore', ['--version'], { reject: false })).exitCode === 0;
if (!tools)
  console.warn('\n!!! SKIP PostgreSQL backup tests: pg_dump / pg_restore are not on PATH\n');

describe.skipIf(!tools)(
  'backup and restore of a PostgreSQL store (DATABASE_URL)',
  { timeout: 300_000 },
  () => {
    let db: Awaited<ReturnType<typeof createDatabase>>;
    let dataDir: string;
    let root: string;
    let env: NodeJS.ProcessEnv;
    let facts: Facts;
    const cli = (...args: string[]) => runCli(args, env);
    const keyNames = () => keyNamesOf(env);

    beforeAll(async () => {
      db = await createDatabase('kgc_backup');
      dataDir = mkdtempSync(join(tmpdir(), 'kgc-backup-pg-'));
      root = tempRoot();
      env = cliEnv(root, { DATABASE_URL: db.url, KGC_SUPPORT_DATA_DIR: dataDir });
      const a = await cli(
        'keys',
        'create',
        '--name',
        'before-backup',
        '--scope',
        'support:read',
        '--json',
      );
      expect(a.code, a.err).toBe(0);
    }, 120_000);

    afterAll(async () => {
      await db?.drop();
      for (const d of [dataDir, root]) if (d) rmSync(d, { recursive: true, force: true });
    });

    it("backup writes pg_dump's custom format", async () => {
      const b = await cli('backup', '--output', join(dataDir, 'state.dump'), '--json');
      expect(b.code, b.err).toBe(0);
      facts = b.json<Facts>();
      expect(facts).toMatchObject({ file: join(dataDir, 'state.dump'), store: 'postgres' });
      expect(readFileSync(facts.file).subarray(0, 5).toString('latin1')).toBe('PGDMP');
    });

    it('restore brings the state back to the backup', async () => {
      expect(
        (await cli('keys', 'create', '--name', 'after-backup', '--scope', 'support:read')).code,
      ).toBe(0);
      expect(await keyNames()).toEqual(['after-backup', 'before-backup']);
      const r = await cli('restore', facts.file, '--yes', '--json');
      expect(r.code, r.err).toBe(0);
      expect(r.json<Facts>()).toEqual(facts);
      expect(await keyNames()).toEqual(['before-backup']);
    });

    it('restore refuses while a daemon is connected to the database', async () => {
      let daemon: DaemonProcess | undefined;
      try {
        // Its own data directory: only its connection to the database gives it away.
        daemon = await spawnDaemon({
          DATABASE_URL: db.url,
          KGC_SUPPORT_DATA_DIR: mkdtempSync(join(tmpdir(), 'kgc-backup-pgd-')),
          KGC_SUPPORT_FRANCHISES_DIR: root,
        });
        const r = await cli('restore', facts.file, '--yes', '--json');
        expect(r.code).toBe(1);
        const e = errorOf(r.err);
        expect(e.code).toBe('target_running');
        expect(e.message).toContain('stop the daemon first');
      } finally {
        await daemon?.stop();
      }
    });
  },
);
