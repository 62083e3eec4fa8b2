/**
 * The offline release (npm run release → scripts/release.mjs): its package installs
 * globally into a fresh prefix with the registry unreachable and an empty npm cache, at
 * exactly the versions of package-lock.json; the installed command answers --version and
 * doctor; the checksums check; and the daemon's image loads from the release's archive
 * and runs the same version. Without Docker the release is made without the image and
 * the image part says SKIP with the reason.
 *
 * The slowest test of the suite by design (a whole release and a global install): one
 * release, every assertion on it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerUnavailable } from '../helpers/docker.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const IMAGE = `${pkg.name}:${pkg.version}`;
const TGZ = `${pkg.name}-${pkg.version}.tgz`;
const IMAGE_TAR = `${pkg.name}-${pkg.version}-image.tar`;
/** Nothing listens on port 9 (discard): every registry request fails at once. */
const DEAD_REGISTRY = 'http://127.0.0.1:9/';

const noDocker = await dockerUnavailable();

describe('npm run release', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kgc-release-'));
  const out = join(scratch, 'release');
  const prefix = join(scratch, 'prefix');
  const home = join(scratch, 'home');
  let releaseSeconds = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    const r = await execa(
      process.execPath,
      [join(ROOT, 'scripts/release.mjs'), '--out', out, ...(noDocker ? ['--no-image'] : [])],
      { cwd: ROOT, reject: false, timeout: 900_000 },
    );
    releaseSeconds = (Date.now() - t0) / 1000;
    if (r.exitCode !== 0) throw new Error(`release failed (${r.exitCode}):\n${r.stderr}`);
    console.info(`release made in ${releaseSeconds.toFixed(1)}s`);
  }, 900_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes the package, the image archive, INSTALL and SHA256SUMS, which check', () => {
    const files = readdirSync(out).sort();
    expect(files).toEqual(['INSTALL', 'SHA256SUMS', TGZ, ...(noDocker ? [] : [IMAGE_TAR])].sort());
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(files.length - 1);
    const install = readFileSync(join(out, 'INSTALL'), 'utf8');
    expect(install).toContain(`npm install -g --offline ./${TGZ}`);
  });

  it('installs globally with the registry unreachable and an empty cache, at the locked versions', () => {
    const t0 = Date.now();
    const r = spawnSync(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(out, TGZ)],
      {
        cwd: scratch,
        encoding: 'utf8',
        timeout: 600_000,
        env: {
          ...process.env,
          npm_config_registry: DEAD_REGISTRY,
          npm_config_cache: join(scratch, 'empty-npm-cache'),
          npm_config_fetch_retries: '0',
        },
      },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    console.info(`offline global install in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    expect(r.stderr).not.toContain('EBADENGINE');

    // Every production package of the lock is installed at its locked version, nothing else.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dev?: boolean; optional?: boolean }>;
    };
    const installed = join(prefix, 'lib/node_modules', pkg.name);
    const wrong: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.dev === true || entry.version === undefined) continue;
      let version: string;
      try {
        version = (
          JSON.parse(readFileSync(join(installed, path, 'package.json'), 'utf8')) as {
            version: string;
          }
        ).version;
      } catch {
        if (entry.optional !== true) wrong.push(`${path}: missing`);
        continue;
      }
      checked += 1;
      if (version !== entry.version) wrong.push(`${path}: ${version}, locked ${entry.version}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 600_000);

  it('the installed kgc-support answers --version and doctor', () => {
    const env = {
      PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: home,
      NO_COLOR: '1',
      KGC_SUPPORT_FRANCHISES_DIR: join(scratch, 'franchises'),
    };
    execFileSync('mkdir', ['-p', home]);
    const version = spawnSync('kgc-support', ['--version'], { env, encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const doctor = spawnSync('kgc-support', ['doctor', '--json'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    // No franchise yet: warnings, no failure (exit 0); every finding names its check.
    expect(doctor.status, doctor.stdout + doctor.stderr).toBe(0);
    const report = JSON.parse(doctor.stdout) as { status: string; checks: { check: string }[] };
    expect(report.status).not.toBe('fail');
    expect(report.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['franchises']));
  });

  it.skipIf(noDocker !== undefined)(
    "the daemon's image loads from the release's archive and runs that version",
    async () => {
      // Gone from the engine first: what is there afterwards came from the archive.
      await execa('docker', ['rmi', IMAGE], { reject: false });
      const load = await execa('docker', ['load', '-i', join(out, IMAGE_TAR)]);
      expect(load.stdout).toContain(`Loaded image: ${IMAGE}`);
      const run = await execa('docker', ['run', '--rm', IMAGE, '--version']);
      expect(run.stdout.trim()).toBe(pkg.version);
    },
    300_000,
  );
  if (noDocker) console.warn(`\n!!! SKIP the release's image archive: ${noDocker}\n`);
});
