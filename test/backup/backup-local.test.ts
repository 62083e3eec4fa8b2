/**
 * backup and restore of a local PGlite store, through the CLI as an admin runs it: the
 * backup is a durable owner-only file whose size and SHA-256 the result states; state
 * changed after it is gone after a restore; restore asks for --yes without a terminal;
 * and while a daemon serves the data directory, restore refuses (target_running) and
 * backup refuses (store_locked) instead of copying or replacing files under it.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type DaemonProcess } from '../e2e/daemon-process.js';
import { cliEnv, errorOf, keyNames as keyNamesOf, runCli, tempRoot } from '../helpers/cli.js';

interface Facts {
  file: string;
  bytes: number;
  sha256: string;
  store: string;
}

describe('backup and restore of a local PGlite store', { timeout: 300_000 }, () => {
  let dataDir: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let facts: Facts;
  const cli = (...args: string[]) => runCli(args, env);
  const keyNames = () => keyNamesOf(env);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-backup-data-'));
    root = tempRoot();
    env = cliEnv(root, { KGC_SUPPORT_DATA_DIR: dataDir });
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
  }, 240_000);

  afterAll(() => {
    for (const d of [dataDir, root]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('writes an owner-only backup under the data directory and states its size and SHA-256', async () => {
    const b = await cli('backup', '--json');
    expect(b.code, b.err).toBe(0);
    facts = b.json<Facts>();
    expect(facts.store).toBe('pglite');
    expect(facts.file).toMatch(new RegExp(`^${dataDir}/backups/kgc-support-\\d{8}T\\d{6}Z\\.tar$`));
    expect(statSync(facts.file).mode & 0o777).toBe(0o600);
    expect(statSync(facts.file).size).toBe(facts.bytes);
    expect(createHash('sha256').update(readFileSync(facts.file)).digest('hex')).toBe(facts.sha256);
    expect(readdirSync(join(dataDir, 'backups')).filter((f) => f.endsWith('.partial'))).toEqual([]);
    // The lock was released: the store opens again.
    expect(await keyNames()).toEqual(['before-backup']);
  });

  it('never overwrites an existing file', async () => {
    const again = await cli('backup', '--output', facts.file, '--json');
    expect(again.code).toBe(2);
    expect(errorOf(again.err).message).toContain('never overwrites');
  });

  it('restore asks for --yes without a terminal, and changes nothing then', async () => {
    const c = await cli(
      'keys',
      'create',
      '--name',
      'after-backup',
      '--scope',
      'support:read',
      '--json',
    );
    expect(c.code, c.err).toBe(0);
    const r = await cli('restore', facts.file, '--json');
    expect(r.code).toBe(2);
    expect(errorOf(r.err).code).toBe('confirmation_required');
    expect(await keyNames()).toEqual(['after-backup', 'before-backup']);
  });

  it('restore brings the state back to the backup', async () => {
    const r = await cli('restore', facts.file, '--yes', '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.json<Facts>()).toEqual(facts);
    expect(await keyNames()).toEqual(['before-backup']);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('.'))).toEqual([]); // no staging left behind
  });

  it('refuses a file that is not a PGlite backup, and one that is not there', async () => {
    const junk = join(root, 'junk.tar');
    writeFileSync(junk, 'not a tar archive\n');
    const r = await cli('restore', junk, '--yes', '--json');
    expect(r.code).toBe(2);
    expect(errorOf(r.err).message).toContain('is not a PGlite backup');
    const gone = await cli('restore', join(root, 'nowhere.tar'), '--yes', '--json');
    expect(errorOf(gone.err).code).toBe('not_found');
    expect(await keyNames()).toEqual(['before-backup']);
  });

  describe('while a daemon serves the data directory', () => {
    let daemon: DaemonProcess;
    beforeAll(async () => {
      daemon = await spawnDaemon({
        KGC_SUPPORT_DATA_DIR: dataDir,
        KGC_SUPPORT_FRANCHISES_DIR: root,
      });
    }, 120_000);
    afterAll(async () => {
      await daemon?.stop();
    }, 60_000);

    it('restore refuses: target_running, stop the daemon first', async () => {
      const r = await cli('restore', facts.file, '--yes', '--json');
      expect(r.code).toBe(1);
      const e = errorOf(r.err);
      expect(e.code).toBe('target_running');
      expect(e.message).toContain('stop the daemon first');
      expect(e.message).toContain(`pid ${daemon.proc.pid}`);
    });

    it('backup refuses too, rather than copy files a daemon has open', async () => {
      const r = await cli(
        'backup',
        '--output',
        join(dataDir, 'backups', 'while-running.tar'),
        '--json',
      );
      expect(r.code).toBe(1);
      expect(errorOf(r.err).message).toContain('stop the daemon first');
      expect(existsSync(join(dataDir, 'backups', 'while-running.tar'))).toBe(false);
    });
  });
});
