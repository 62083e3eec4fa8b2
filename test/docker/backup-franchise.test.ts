/**
 * backup and restore of an installed franchise's daemon state on a real engine, with a
 * real PostgreSQL as kgc-support-db (test/helpers/pg-image.ts) and the busybox stand-in
 * as the daemon: backup dumps the database from inside its container to an owner-only
 * file under the franchise directory; restore refuses while the daemon's container runs,
 * names the command that stops it, starts the database alone when it is stopped, and
 * brings the state back to the backup.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestImages,
  dockerUnavailable,
  removeProject,
  TEST_HEALTHCHECK,
  type TestImages,
} from '../helpers/docker.js';
import { buildPostgresImage, pgImageUnavailable, type PostgresImage } from '../helpers/pg-image.js';
import { cliEnv, editFranchise, errorOf, freePortFlags, runCli, tempRoot } from '../helpers/cli.js';

const reason = (await dockerUnavailable()) ?? pgImageUnavailable();
if (reason) console.warn(`\n!!! SKIP docker backup tests: ${reason}\n`);
const suite = reason ? describe.skip : describe;

const ID = `bk${Date.now().toString(36).slice(-5)}`;
const PROJECT = `kgc-${ID}`;

interface Facts {
  file: string;
  bytes: number;
  sha256: string;
  store: string;
}

async function containerOf(service: string): Promise<{ id: string; state: string } | undefined> {
  const r = await execa('docker', [
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
    '--format',
    '{{.ID}} {{.State}}',
  ]);
  const [id, state] = r.stdout.trim().split(' ');
  return id ? { id, state: state ?? '' } : undefined;
}

async function psql(sql: string): Promise<string> {
  const db = await containerOf('kgc-support-db');
  return (
    await execa('docker', [
      'exec',
      db?.id as string,
      'psql',
      '-U',
      'kgc_support',
      '-d',
      'kgc_support',
      '-Atc',
      sql,
    ])
  ).stdout.trim();
}

suite(
  'backup and restore of an installed franchise on a real Docker engine',
  { timeout: 300_000 },
  () => {
    let images: TestImages;
    let pgImage: PostgresImage;
    let root: string;
    let env: NodeJS.ProcessEnv;
    let facts: Facts;
    const cli = (...args: string[]) => runCli(args, env);

    beforeAll(async () => {
      [images, pgImage] = await Promise.all([buildTestImages(), buildPostgresImage()]);
      root = tempRoot();
      env = cliEnv(root);
      const overrides = {
        ...Object.fromEntries(
          Object.entries(images.overrides).map(([k, v]) => [k, `${v.image}:${v.tag}`]),
        ),
        postgres: pgImage.ref,
      };
      const init = await cli(
        'init',
        '--franchise',
        ID,
        '--name',
        'Backup Kft.',
        '--erp-database-url',
        'postgres://kgc_reader:pw@kgc-api:5432/kgc',
        ...Object.entries(overrides).flatMap(([k, v]) => ['--image', `${k}=${v}`]),
        ...(await freePortFlags()),
      );
      expect(init.code, init.err).toBe(0);
      // initdb takes seconds, minutes on a saturated host: failed checks during a long start period do not count,
      // and the first pass is healthy at once.
      editFranchise(join(root, ID), (doc) => {
        doc.healthcheck = { ...TEST_HEALTHCHECK, timeout: '30s', retries: 5, start_period: '240s' };
      });
      const render = await cli('render', '--franchise', ID);
      expect(render.code, render.err).toBe(0);
      const up = await cli(
        'up',
        '--franchise',
        ID,
        '--service',
        'kgc-support',
        '--timeout',
        '240s',
      );
      expect(up.code, up.err).toBe(0);
      // The stand-in daemon migrates nothing: a schema of the daemon's name with one row stands for its state.
      await psql(
        "CREATE SCHEMA kgc_support; CREATE TABLE kgc_support.backup_probe (v text); INSERT INTO kgc_support.backup_probe VALUES ('before')",
      );
    }, 300_000);

    afterAll(async () => {
      await removeProject(PROJECT);
      await images?.remove();
      await pgImage?.remove();
      if (root) rmSync(root, { recursive: true, force: true });
    }, 120_000);

    it('backup dumps the database from its container, while the daemon runs, to an owner-only file', async () => {
      const b = await cli('backup', '--franchise', ID, '--json');
      expect(b.code, b.err).toBe(0);
      facts = b.json<Facts>();
      expect(facts.store).toBe('postgres-container');
      expect(facts.file).toMatch(
        new RegExp(`^${join(root, ID)}/backups/kgc-support-${ID}-\\d{8}T\\d{6}Z\\.dump$`),
      );
      expect(statSync(facts.file).mode & 0o777).toBe(0o600);
      const bytes = readFileSync(facts.file);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('PGDMP');
      expect(bytes.length).toBe(facts.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(facts.sha256);
      expect((await containerOf('kgc-support'))?.state).toBe('running');
    });

    it('restore refuses while the daemon container runs, and says how to stop it', async () => {
      await psql("UPDATE kgc_support.backup_probe SET v = 'after'");
      const r = await cli('restore', '--franchise', ID, facts.file, '--yes', '--json');
      expect(r.code).toBe(1);
      const e = errorOf(r.err);
      expect(e.code).toBe('target_running');
      expect(e.message).toContain(`kgc-support down --franchise ${ID} --service kgc-support`);
      expect(await psql('SELECT v FROM kgc_support.backup_probe')).toBe('after');
    });

    it('restore starts the stopped database alone and brings the state back', async () => {
      const down = await cli('down', '--franchise', ID, '--service', 'kgc-support');
      expect(down.code, down.err).toBe(0);
      await execa('docker', ['stop', (await containerOf('kgc-support-db'))?.id as string]);
      const r = await cli('restore', '--franchise', ID, facts.file, '--yes', '--json');
      expect(r.code, r.err).toBe(0);
      expect(r.json<Facts>()).toEqual(facts);
      expect((await containerOf('kgc-support-db'))?.state).toBe('running');
      expect(await containerOf('kgc-support')).toBeUndefined();
      expect(await psql('SELECT v FROM kgc_support.backup_probe')).toBe('before');
    });
  },
);
