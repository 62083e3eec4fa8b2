/**
 * Installed like a server tool: `npm pack` ships what the CLI reads at run time (bin,
 * dist, the templates and compose blocks render uses, the JSON Schema, the store's
 * migrations), and the unpacked package works from any directory: init and render find
 * their templates, a store opens with its migrations. (The tarball is made from the
 * current dist/ with --ignore-scripts; `npm test` builds it first.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
});
