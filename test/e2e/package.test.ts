/**
 * Installed like a server tool: `npm pack` ships what the CLI reads at run time (bin,
 * dist, the templates and compose blocks render uses, the JSON Schema, the store's
 * migrations), and the unpacked package works from any directory: init and render find
 * their templates, a store opens with its migrations. (The tarball is made from the
 * current dist/ with --ignore-scripts; `npm test` builds it first.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/main.js';
import { referenceFiles } from '../../src/cli/reference/files.js';
import { VERSION } from '../../src/version.js';

const REPO = resolve(import.meta.dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(REPO, join(e.parentPath, e.name)));
}

describe('npm pack', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kgc-pack-'));
  let files: string[] = [];
  let tarball = '';

  beforeAll(() => {
    const out = execFileSync(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch],
      { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    if (!info) throw new Error(`npm pack said nothing: ${out}`);
    files = info.files.map((f) => f.path);
    tarball = join(scratch, info.filename);
  }, 120_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('ships bin, dist, templates, compose, schemas and the store migrations, and no tests', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'bin/kgc-support.js',
        'dist/cli/main.js',
        'dist/daemon/daemon.js',
        'schemas/franchise.schema.json',
      ]),
    );
    const runtime = ['templates', 'compose', 'schemas', 'src/store/migrations'].flatMap(filesUnder);
    expect(runtime.length).toBeGreaterThan(10);
    expect(runtime.filter((f) => !files.includes(f))).toEqual([]);
    expect(
      files.filter(
        (f) => f.startsWith('test/') || f.startsWith('bench/') || f.startsWith('node_modules/'),
      ),
    ).toEqual([]);
  });

  it('the unpacked package works from / : init and render find their templates, a store opens with its migrations', () => {
    execFileSync('tar', ['-xzf', tarball, '-C', scratch]);
    const pkg = join(scratch, 'package');
    // What `npm install -g <tarball>` adds beside it: the production dependencies.
    symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    const home = join(scratch, 'home');
    mkdirSync(home);
    const franchises = join(scratch, 'franchises');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      NO_COLOR: '1',
      KGC_SUPPORT_FRANCHISES_DIR: franchises,
    };
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(pkg, 'bin', 'kgc-support.js'), ...args], {
        cwd: '/',
        env,
        encoding: 'utf8',
        timeout: 90_000,
      });

    const init = cli(
      'init',
      '--franchise',
      'packed',
      '--name',
      'Packed Kft.',
      '--erp-database-url',
      'postgres://kgc_support_reader:x@erp-db:5432/kgc',
    );
    expect(init.status, init.stderr).toBe(0);
    const render = cli('render', '--franchise', 'packed');
    expect(render.status, render.stderr).toBe(0);
    expect(readdirSync(join(franchises, 'packed'))).toEqual(
      expect.arrayContaining(['franchise.yaml', 'docker-compose.yml']),
    );

    const keys = cli('keys', 'list', '--json', '--data-dir', join(scratch, 'data'));
    expect(keys.status, keys.stderr).toBe(0);
    expect(JSON.parse(keys.stdout)).toEqual([]);
  });

  it('ships the man page and the completion scripts as a fresh generation writes them, and the systemd unit', () => {
    const pkg = join(scratch, 'package');
    if (!existsSync(pkg)) execFileSync('tar', ['-xzf', tarball, '-C', scratch]);
    const fresh = referenceFiles(buildProgram(recordingIO()), VERSION);
    expect(Object.keys(fresh).length).toBe(5);
    for (const [path, text] of Object.entries(fresh)) {
      expect(files, path).toContain(`dist/${path}`);
      expect(
        readFileSync(join(pkg, 'dist', path), 'utf8'),
        `dist/${path} is stale: npm run build`,
      ).toBe(text);
    }
    expect(files).toEqual(
      expect.arrayContaining(['systemd/kgc-support.service', 'systemd/kgc-support.sysusers']),
    );
  });

  it('man kgc-support finds the page after npm install -g (the man field)', () => {
    const r0 = spawnSync('man', ['--version']);
    if (r0.status !== 0) {
      console.warn('\n*** SKIP man kgc-support after npm install -g: man is not installed ***\n');
      return;
    }
    // The same package without its dependencies, so that the install needs no registry:
    // what is tested is where npm links the page (the dependencies are the release's concern).
    const bare = join(scratch, 'bare');
    mkdirSync(bare);
    execFileSync('tar', ['-xzf', tarball, '-C', bare]);
    const manifest = join(bare, 'package', 'package.json');
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    delete json.dependencies;
    writeFileSync(manifest, JSON.stringify(json, null, 2));
    execFileSync('tar', ['-czf', join(bare, 'bare.tgz'), '-C', bare, 'package']);
    const prefix = join(scratch, 'prefix');
    execFileSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        join(bare, 'bare.tgz'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
    // man finds pages beside the bin directories on PATH (<prefix>/bin → <prefix>/share/man).
    const env = {
      PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: scratch,
      LC_ALL: 'C.UTF-8',
    };
    const where = spawnSync('man', ['-w', 'kgc-support'], { encoding: 'utf8', env });
    expect(where.status, where.stderr).toBe(0);
    // npm links <prefix>/share/man/man1/kgc-support.1 to the package's page; man names the target.
    const link = join(prefix, 'share/man/man1/kgc-support.1');
    expect(realpathSync(where.stdout.trim())).toBe(realpathSync(link));
    expect(realpathSync(link)).toBe(
      realpathSync(join(prefix, 'lib/node_modules/kgc-support/dist/man/kgc-support.1')),
    );
    const page = spawnSync('man', ['kgc-support'], {
      encoding: 'utf8',
      env: { ...env, MANPAGER: 'cat' },
    });
    expect(page.status, page.stderr).toBe(0);
    expect(page.stdout).toContain('kgc-support keys create');
  }, 180_000);
});
