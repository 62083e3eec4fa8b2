/**
 * `kgc-support upgrade` on a real engine, one franchise: the real daemon (built offline by
 * scripts/build-image.sh, version 1) on a real PostgreSQL as kgc-support-db, an ERP
 * database with the demo seed as installed.test.ts sets it up, busybox stand-ins for the
 * rest. Version 2 is the same build with another version label; version 3 is "broken":
 * its daemon exits at once.
 *
 * up (v1) → keys create, the Pull API answers → upgrade --dry-run changes nothing →
 * upgrade to v2: backup kept and named for the versions, the daemon runs v2, the key
 * (and so the state) still works, an older pre-upgrade backup pruned by --keep →
 * back to v1 refused → upgrade to v3 (broken): rolled back, the daemon runs v2 again,
 * the key still works.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, editFranchise, errorOf, freePortFlags, runCli, tempRoot } from '../helpers/cli.js';
import {
  buildTestImages,
  dockerUnavailable,
  pollFor,
  removeProject,
  TEST_HEALTHCHECK,
  type TestImages,
} from '../helpers/docker.js';
import { buildPostgresImage, pgImageUnavailable, type PostgresImage } from '../helpers/pg-image.js';

const ROOT = resolve(import.meta.dirname, '../..');
const skip =
  (await dockerUnavailable()) ??
  pgImageUnavailable() ??
  (existsSync(join(ROOT, 'dist/cli/main.js')) ? undefined : 'dist/ is not built (npm run build)');
if (skip) console.warn(`\n!!! SKIP docker upgrade test: ${skip}\n`);

const run = randomBytes(3).toString('hex');
const ID = `up${run}`;
const PROJECT = `kgc-${ID}`;
const REPO = `kgc-test/kgc-support-upgrade`;
const V1 = { image: REPO, tag: `v1-${run}` };
const V2 = { image: REPO, tag: `v2-${run}` };
const V3 = { image: REPO, tag: `broken-${run}` };
const ERP_DB = `kgc-upgrade-erpdb-${run}`;
const ERP_ADMIN_PW = randomBytes(12).toString('hex');
const READER_PW = randomBytes(12).toString('hex');
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

interface UpgradeResult {
  action: string;
  from: { version: string; image: string } | null;
  to: { version: string; image: string };
  backup: { file: string } | null;
  backups_pruned: string[];
  backups_kept: string[];
}

async function daemonContainer(): Promise<{ id: string; image: string } | undefined> {
  const r = await execa('docker', [
    'ps',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--filter',
    'label=com.docker.compose.service=kgc-support',
    '--format',
    '{{.ID}} {{.Image}}',
  ]);
  const [id, image] = r.stdout.trim().split(' ');
  return id ? { id, image: image ?? '' } : undefined;
}

/** A build of v1 with another version label, and another entrypoint when given. */
async function derive(from: string, to: string, version: string, entrypoint?: string) {
  const ctx = mkdtempSync(join(tmpdir(), 'kgc-upgrade-image-'));
  try {
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${from}\nLABEL org.opencontainers.image.version=${version}\n${entrypoint ? `ENTRYPOINT ${entrypoint}\n` : ''}`,
    );
    await execa('docker', ['build', '-q', '-t', to, ctx], { env: { DOCKER_BUILDKIT: '0' } });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

describe.skipIf(skip !== undefined)(
  'upgrade of an installed franchise on a real engine',
  { timeout: 900_000 },
  () => {
    let images: TestImages | undefined;
    let postgres: PostgresImage | undefined;
    let root = '';
    let dir = '';
    let env: NodeJS.ProcessEnv = {};
    let daemonPort = '';
    let apiKey = '';
    const cli = (...args: string[]) => runCli(args, env);
    const pullApi = () =>
      fetch(`http://127.0.0.1:${daemonPort}/api/service/worklogs/M-2025-0123/status`, {
        headers: { authorization: `Bearer ${apiKey}` },
        signal: AbortSignal.timeout(20_000),
      });
    const setDaemonImage = (i: { image: string; tag: string }) =>
      editFranchise(dir, (d) => {
        (d.images as Record<string, unknown>)['kgc-support'] = i;
      });

    beforeAll(async () => {
      const t0 = Date.now();
      root = tempRoot('kgc-upgrade-franchises-');
      env = cliEnv(root);
      [images, postgres] = await Promise.all([buildTestImages(), buildPostgresImage()]);
      await execa('bash', [join(ROOT, 'scripts/build-image.sh'), `${V1.image}:${V1.tag}`], {
        cwd: ROOT,
      });
      await derive(`${V1.image}:${V1.tag}`, `${V2.image}:${V2.tag}`, '99.0.0');
      await derive(
        `${V1.image}:${V1.tag}`,
        `${V3.image}:${V3.tag}`,
        '99.1.0',
        '["/bin/sh", "-c", "echo broken daemon: exiting; exit 3"]',
      );

      // The ERP's own PostgreSQL with the demo data, as installed.test.ts sets it up.
      await execa('docker', [
        'run',
        '-d',
        '--name',
        ERP_DB,
        '-e',
        'POSTGRES_USER=erp_admin',
        '-e',
        `POSTGRES_PASSWORD=${ERP_ADMIN_PW}`,
        '-e',
        'POSTGRES_DB=kgc',
        '-p',
        '127.0.0.1::5432',
        postgres.ref,
      ]);
      const erpPort = (await execa('docker', ['port', ERP_DB, '5432/tcp'])).stdout
        .trim()
        .split('\n')[0]
        ?.split(':')
        .pop();
      const adminUrl = `postgres://erp_admin:${ERP_ADMIN_PW}@127.0.0.1:${erpPort}/kgc`;
      await pollFor('the ERP database to accept connections', 180_000, async () => {
        const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
        await c.connect();
        await c.end();
        return true;
      });
      const seed = await runCli(['demo', 'seed', '--json'], { ...env, DATABASE_URL: adminUrl });
      expect(seed.code, seed.err).toBe(0);

      const o = images.overrides;
      const init = await cli(
        'init',
        '--franchise',
        ID,
        '--name',
        'Upgrade Kft.',
        '--erp-database-url',
        `postgres://kgc_reader:${READER_PW}@erp-db:5432/kgc`,
        ...['kgc-api', 'koko-chatbot', 'koko-context', 'chatwoot', 'redis'].flatMap((k) => [
          '--image',
          `${k}=${o[k]?.image}:${o[k]?.tag}`,
        ]),
        '--image',
        `kgc-support=${V1.image}:${V1.tag}`,
        '--image',
        `postgres=${postgres.ref}`,
        ...(await freePortFlags()),
        '--yes',
      );
      expect(init.code, init.err).toBe(0);
      dir = join(root, ID);
      daemonPort = String(
        (parse(readFileSync(join(dir, 'franchise.yaml'), 'utf8')) as { ports: { daemon: number } })
          .ports.daemon,
      );
      editFranchise(dir, (d) => {
        d.healthcheck = { ...TEST_HEALTHCHECK, start_period: '300s' };
      });
      const render = await cli('render', '--franchise', ID);
      expect(render.code, render.err).toBe(0);
      const sql = await execa(
        'docker',
        ['exec', '-i', ERP_DB, 'psql', '-v', 'ON_ERROR_STOP=1', '-U', 'erp_admin', '-d', 'kgc'],
        { input: readFileSync(join(dir, 'erp', 'kgc-support-erp.sql')), reject: false },
      );
      expect(sql.exitCode, sql.stderr).toBe(0);
      // The ERP alone first (its network), then its database joins it as erp-db.
      const erp = await execa('docker-compose', ['up', '-d'], { cwd: dir, reject: false });
      expect(erp.exitCode, erp.stderr).toBe(0);
      const net = (await execa('docker', ['network', 'ls', '--format', '{{.Name}}'])).stdout
        .split('\n')
        .filter((n) => n.startsWith(`${PROJECT}_`));
      for (const n of net)
        await execa('docker', ['network', 'connect', '--alias', 'erp-db', n, ERP_DB]);

      const up = await cli('up', '--franchise', ID, '--timeout', '600s');
      expect(up.code, up.err).toBe(0);
      const key = await cli(
        'keys',
        'create',
        '--franchise',
        ID,
        '--name',
        'koko-chatbot',
        '--scope',
        'support:read',
        '--json',
      );
      expect(key.code, key.err).toBe(0);
      apiKey = key.json<{ api_key: string }>().api_key;
      expect((await pullApi()).status).toBe(200);
      console.info(
        `upgrade test: v1 installed and answering in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
      );
    }, 900_000);

    afterAll(async () => {
      await execa('docker', ['rm', '-f', '-v', ERP_DB], { reject: false });
      await removeProject(PROJECT);
      for (const i of [V3, V2, V1])
        await execa('docker', ['rmi', `${i.image}:${i.tag}`], { reject: false });
      await images?.remove();
      await postgres?.remove();
      if (root) rmSync(root, { recursive: true, force: true });
    }, 300_000);

    it('--dry-run shows the versions and the steps, and changes nothing', async () => {
      setDaemonImage(V2);
      const before = await daemonContainer();
      const r = await cli('upgrade', '--franchise', ID, '--dry-run', '--json');
      expect(r.code, r.err).toBe(0);
      const plan = r.json<UpgradeResult & { steps: string[] }>();
      expect(plan.action).toBe('planned');
      expect(plan.from?.version).toBe(VERSION);
      expect(plan.to.version).toBe('99.0.0');
      expect(plan.steps.join('\n')).toContain('back up');
      expect(await daemonContainer()).toEqual(before);
      expect(existsSync(join(dir, 'backups'))).toBe(false);
    });

    it('upgrades to the next build: backup kept, the daemon on v2, the key still works, older backups pruned', async () => {
      const t0 = Date.now();
      // An older pre-upgrade backup and a manual one: --keep 1 deletes the first only.
      const backups = join(dir, 'backups');
      mkdirSync(backups, { recursive: true });
      const old = 'upgrade-0.0.1-to-0.0.2-20200101T000000Z.dump';
      const manual = `kgc-support-${ID}-20200101T000000Z.dump`;
      writeFileSync(join(backups, old), 'PGDMP old');
      writeFileSync(join(backups, manual), 'PGDMP manual');

      const r = await cli(
        'upgrade',
        '--franchise',
        ID,
        '--keep',
        '1',
        '--timeout',
        '600s',
        '--json',
      );
      expect(r.code, r.err).toBe(0);
      const done = r.json<UpgradeResult>();
      console.info(`upgrade v1 → v2 in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(done.action).toBe('upgraded');
      expect(done.from?.version).toBe(VERSION);
      expect(done.to.version).toBe('99.0.0');
      const file = done.backup?.file ?? '';
      expect(file).toMatch(
        new RegExp(`/backups/upgrade-${VERSION}-to-99\\.0\\.0-\\d{8}T\\d{6}Z\\.dump$`),
      );
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('PGDMP');
      expect(done.backups_pruned).toEqual([old]);
      expect(readdirSync(backups).sort()).toEqual(
        [file.slice(file.lastIndexOf('/') + 1), manual].sort(),
      );
      expect((await daemonContainer())?.image).toBe(`${V2.image}:${V2.tag}`);
      expect((await pullApi()).status).toBe(200);
      // The retention view shows the pre-upgrade backups and their keep rule.
      const view = await cli('retention', 'show', '--franchise', ID, '--json');
      expect(view.code, view.err).toBe(0);
      const ub = view.json<{
        upgrade_backups: { held: number; files: string[]; keep_rule: string };
      }>().upgrade_backups;
      expect(ub.files).toEqual([file.slice(file.lastIndexOf('/') + 1)]);
      expect(ub.keep_rule).toContain('--keep');
    });

    it('refuses to go back to v1, and changes nothing', async () => {
      setDaemonImage(V1);
      const r = await cli('upgrade', '--franchise', ID, '--json');
      expect(r.code).toBe(1);
      const e = errorOf(r.err);
      expect(e.code).toBe('upgrade_backwards');
      expect(e.message).toContain(`older than the 99.0.0 the daemon runs`);
      expect((await daemonContainer())?.image).toBe(`${V2.image}:${V2.tag}`);
    });

    it('rolls back when the new daemon cannot become ready: v2 runs again, the key still works', async () => {
      const t0 = Date.now();
      setDaemonImage(V3);
      const r = await cli('upgrade', '--franchise', ID, '--timeout', '600s', '--json');
      console.info(`failed upgrade and rollback in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      expect(r.code, r.err).toBe(1);
      const e = errorOf(r.err);
      expect(e.code, e.message).toBe('upgrade_rolled_back');
      expect(e.message).toContain('kgc-support');
      expect(e.message).toContain('restored');
      const live = await pollFor('the v2 daemon after the rollback', 60_000, async () => {
        const c = await daemonContainer();
        return c?.image === `${V2.image}:${V2.tag}` ? c : undefined;
      });
      expect(live.image).toBe(`${V2.image}:${V2.tag}`);
      expect((await pullApi()).status).toBe(200);
      // Both pre-upgrade backups are kept: a failed upgrade prunes nothing.
      expect(
        readdirSync(join(dir, 'backups')).filter((f) => f.startsWith('upgrade-')),
      ).toHaveLength(2);
    });
  },
);
