/**
 * An operator who is not root, against a franchise and a data directory that root owns:
 * every command says the files exist and cannot be read, with the one fix (sudo), and
 * none takes them for missing (no "create it with init", no "ERP_DATABASE_URL is not set",
 * no "run render", no "start it with up"). The real binary as user nobody (setpriv).
 * Needs root, and dist/.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, ERP_FLAGS, runCli } from '../helpers/cli.js';
import { BIN } from './daemon-process.js';

const asNobody = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
// nobody must reach node and this checkout (a fresh clone under /root would not be).
const skip =
  process.getuid?.() !== 0
    ? 'not root'
    : spawnSync('setpriv', [
          ...asNobody,
          process.execPath,
          '-e',
          `require('fs').accessSync(${JSON.stringify(BIN)})`,
        ]).status !== 0
      ? `user nobody cannot reach ${BIN}`
      : undefined;
if (skip) console.warn(`\n!!! SKIP permission test: ${skip}\n`);

const root = mkdtempSync(join(tmpdir(), 'kgc-perm-'));
const franchises = join(root, 'franchises');
const dataDir = join(root, 'data');

interface Run {
  code: number;
  out: string;
  err: string;
}

/** The real binary as user nobody. */
async function nobody(args: string[]): Promise<Run> {
  const r = await execa('setpriv', [...asNobody, process.execPath, BIN, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: '/tmp',
      NO_COLOR: '1',
      KGC_SUPPORT_FRANCHISES_DIR: franchises,
    },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  return { code: r.exitCode ?? -1, out: String(r.stdout), err: String(r.stderr) };
}

const WRONG_ADVICE =
  /kgc-support init|is not set|run kgc-support render|Start it|not found|does not exist/i;

function deniedOnce(r: Run, path: string): void {
  const text = `${r.out}\n${r.err}`;
  expect(text, text).toContain(`${path} cannot be read by this user (uid 65534) (it is root's)`);
  expect(text).toContain('run the command as root (sudo)');
  expect(text).not.toMatch(WRONG_ADVICE);
}

describe.skipIf(skip !== undefined)('a user who may not read the files is told so', () => {
  beforeAll(async () => {
    for (const d of [root, franchises]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o755);
    }
    const env = cliEnv(franchises);
    expect(
      (await runCli(['init', '--franchise', 'p1', '--name', 'P', ...ERP_FLAGS, '--yes'], env)).code,
    ).toBe(0);
    const render = await runCli(['render', '--franchise', 'p1', '--no-validate'], env);
    expect(render.code, render.err).toBe(0);
    chmodSync(join(franchises, 'p1'), 0o755);
    mkdirSync(dataDir, { mode: 0o700 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('secrets.env (0600, root): status, up, render --check, health and doctor say so', async () => {
    const secrets = join(franchises, 'p1', 'secrets.env');
    for (const args of [
      ['status', '--franchise', 'p1'],
      ['up', '--franchise', 'p1'],
      ['render', '--check', '--franchise', 'p1'],
      ['health', '--franchise', 'p1'],
    ]) {
      const r = await nobody(args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(1);
      deniedOnce(r, secrets);
    }
    const nagios = await nobody(['health', '--franchise', 'p1', '--format', 'nagios']);
    expect(nagios.code).toBe(3);
    expect(nagios.out).toMatch(/^KGC-SUPPORT UNKNOWN - the secrets file .* cannot be read/);
    const doctor = await nobody(['doctor', '--franchise', 'p1', '--json']);
    expect(doctor.code).toBe(1);
    const files = (
      JSON.parse(doctor.out) as {
        checks: { check: string; status: string; detail: string; hint?: string }[];
      }
    ).checks.find((c) => c.check === 'files p1');
    expect(files).toMatchObject({ status: 'fail', hint: expect.stringContaining('sudo') });
    expect(files?.detail).toContain(`${secrets} cannot be read by this user`);
    expect(doctor.out).not.toMatch(/run kgc-support render|secrets.env is missing/);
  });

  it('a franchise directory (0700, root): permission_denied, not "no franchise"', async () => {
    chmodSync(join(franchises, 'p1'), 0o700);
    try {
      for (const args of [
        ['keys', 'list', '--franchise', 'p1'],
        ['status', '--franchise', 'p1'],
        ['doctor'],
        ['keys', 'list'],
      ]) {
        const r = await nobody(args);
        expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(1);
        deniedOnce(r, join(franchises, 'p1', 'franchise.yaml'));
      }
    } finally {
      chmodSync(join(franchises, 'p1'), 0o755);
    }
  });

  it('a data directory (0700, root): permission_denied, not a crash', async () => {
    const r = await nobody(['keys', 'list', '--data-dir', dataDir, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err.trim().split('\n').at(-1) as string)).toMatchObject({
      error: { code: 'permission_denied' },
    });
    deniedOnce(r, dataDir);
  });
});
