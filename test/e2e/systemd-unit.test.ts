/**
 * The shipped systemd unit: the sections and settings docs/installation.md promises, and what
 * systemd itself says of it: `systemd-analyze verify` finds nothing (it prints problems
 * and still exits 0, so its output must be empty) and `systemd-analyze security` rates
 * the hardening. The unit names /usr/bin/node and /usr/lib/node_modules; the copy
 * verified runs this checkout's node and bin, and finds the man page its
 * Documentation= names. Without systemd-analyze the test says SKIP loudly.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const UNIT = readFileSync(join(ROOT, 'systemd/kgc-support.service'), 'utf8');
const SHIPPED_BIN = '/usr/lib/node_modules/kgc-support/bin/kgc-support.js';

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const skip =
  analyze.status === 0
    ? undefined
    : `systemd-analyze is not installed (${analyze.error?.message ?? analyze.stderr}); apt-get install systemd`;
if (skip) console.warn(`\n*** SKIP systemd unit verification: ${skip} ***\n`);

/** section → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1] as string, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`not a unit line: ${raw}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

const dir = mkdtempSync(join(tmpdir(), 'kgc-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('systemd/kgc-support.service', () => {
  const unit = parseUnit(UNIT);
  const service = unit.get('Service') ?? new Map<string, string[]>();
  const one = (key: string) => service.get(key)?.at(-1);

  it('has [Unit], [Service] and [Install], and is wanted by multi-user.target', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
    expect(unit.get('Unit')?.get('Documentation')).toEqual(['man:kgc-support(1)']);
  });

  it('runs node itself as the dedicated user, stops with SIGTERM in bounded time, restarts on failure', () => {
    expect(one('User')).toBe('kgc-support');
    expect(one('Group')).toBe('kgc-support');
    expect(one('ExecStart')).toBe(`/usr/bin/node ${SHIPPED_BIN} serve`);
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('TimeoutStopSec')).toMatch(/^\d+s$/);
    expect(one('Restart')).toBe('on-failure');
    // The bin the unit names is the package's own.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(SHIPPED_BIN.endsWith(`/kgc-support/${pkg.bin['kgc-support']}`)).toBe(true);
  });

  it('is hardened, and may write only its data directory', () => {
    for (const [key, value] of Object.entries({
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      RestrictSUIDSGID: 'yes',
      CapabilityBoundingSet: '',
      UMask: '0077',
    }))
      expect(one(key), key).toBe(value);
    const dataDir = one('Environment')?.replace(/^KGC_SUPPORT_DATA_DIR=/, '');
    expect(dataDir).toBe('/var/lib/kgc-support/daemon');
    expect(service.get('ReadWritePaths')).toEqual([dataDir]);
    expect(`/var/lib/${one('StateDirectory')}`).toBe(dataDir);
  });

  it('ships the sysusers.d line that creates its user', () => {
    const line = readFileSync(join(ROOT, 'systemd/kgc-support.sysusers'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('u '));
    expect(line).toMatch(
      /^u kgc-support - ".+" \/var\/lib\/kgc-support\/daemon \/usr\/sbin\/nologin$/,
    );
  });

  it.skipIf(skip !== undefined)('passes systemd-analyze verify with nothing to say', () => {
    const copy = join(dir, 'kgc-support.service');
    writeFileSync(
      copy,
      UNIT.replace(
        `/usr/bin/node ${SHIPPED_BIN}`,
        `${process.execPath} ${join(ROOT, 'bin/kgc-support.js')}`,
      ),
    );
    // Documentation=man:kgc-support(1): verify asks man for the page the build wrote.
    mkdirSync(join(dir, 'man/man1'), { recursive: true });
    copyFileSync(join(ROOT, 'dist/man/kgc-support.1'), join(dir, 'man/man1/kgc-support.1'));
    const r = spawnSync('systemd-analyze', ['verify', copy], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, MANPATH: join(dir, 'man') },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toBe('');
  });

  it.skipIf(skip !== undefined)('is rated OK or better by systemd-analyze security', () => {
    const r = spawnSync(
      'systemd-analyze',
      ['security', '--offline=true', join(ROOT, 'systemd/kgc-support.service')],
      { encoding: 'utf8' },
    );
    const level = /Overall exposure level for kgc-support\.service: ([\d.]+) (\w+)/.exec(r.stdout);
    expect(level, `${r.stdout}\n${r.stderr}`).not.toBeNull();
    expect(Number(level?.[1]), level?.[0]).toBeLessThanOrEqual(3);
  });
});
