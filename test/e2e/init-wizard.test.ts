/**
 * The init wizard on a real terminal (the binary under a pseudo-terminal): it asks
 * only what it cannot default, rejects a bad id and asks again, hides the Gemini key,
 * and writes the same franchise.yaml that the same answers given as flags write.
 */
import { readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env-format.js';
import { cliEnv, ERP_FLAGS, runCli, TEST_ERP_DATABASE_URL, tempRoot } from '../helpers/cli.js';
import { PtySession, ptyUnavailable } from '../helpers/pty.js';

const reason = ptyUnavailable();
if (reason) console.warn(`SKIP wizard tests: ${reason}`);
const suite = reason ? describe.skip : describe;

const NAME = 'Kovács és Fia Kft. #2 $';
const GEMINI = 'AIza-test-gemini-key-0123456789';

suite('init wizard on a terminal', () => {
  const roots: string[] = [];
  const root = () => {
    const r = tempRoot();
    roots.push(r);
    return r;
  };
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  let wizardRoot: string;
  let session: PtySession;
  let code: number;

  beforeAll(async () => {
    wizardRoot = root();
    session = new PtySession(['init'], {
      ...cliEnv(wizardRoot),
      NO_COLOR: undefined,
      GEMINI_API_KEY: undefined,
    });
    await session.waitFor('Franchise id');
    session.type('Budapest 1\r');
    await session.waitFor('use 1-32 lowercase letters');
    session.type('\x7f'.repeat(10));
    session.type('budapest-1\r');
    await session.waitFor('Franchise name');
    session.type(`${NAME}\r`);
    await session.waitFor('ERP database URL');
    session.type('postgres://kgc_reader:pw@localhost:5432/kgc\r');
    await session.waitFor('names localhost');
    session.type('\x7f'.repeat(45));
    session.type(`${TEST_ERP_DATABASE_URL}\r`);
    await session.waitFor('Gemini API key');
    session.type(`${GEMINI}\r`);
    await session.waitFor(/Write .*franchise\.yaml\?/);
    session.type('\r');
    code = await session.exit();
  }, 60_000);

  it('asks the id (again after a bad one), the name, the ERP database (again after a loopback one) and the Gemini key, then confirms and writes', () => {
    expect(code, session.output).toBe(0);
    expect(session.output).toContain('Franchise budapest-1 written to');
    expect(session.output).not.toMatch(/\? .*(layout|port|time zone)/i); // never asked: they have defaults
    expect(existsSync(join(wizardRoot, 'budapest-1', 'franchise.yaml'))).toBe(true);
  });

  it('keeps the Gemini key out of the terminal and in secrets.env (0600)', () => {
    expect(session.output).not.toContain(GEMINI);
    const secrets = join(wizardRoot, 'budapest-1', 'secrets.env');
    expect(parseEnv(readFileSync(secrets, 'utf8')).get('GEMINI_API_KEY')).toBe(GEMINI);
    expect(parseEnv(readFileSync(secrets, 'utf8')).get('ERP_DATABASE_URL')).toBe(
      TEST_ERP_DATABASE_URL,
    );
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
  });

  it('writes the same franchise.yaml as the same answers given as flags, without a prompt', async () => {
    const flagsRoot = root();
    const r = await runCli(
      ['init', '--franchise', 'budapest-1', '--name', NAME, ...ERP_FLAGS],
      cliEnv(flagsRoot, { GEMINI_API_KEY: GEMINI }),
    );
    expect(r.code, r.err).toBe(0);
    const wizard = readFileSync(join(wizardRoot, 'budapest-1', 'franchise.yaml'), 'utf8');
    const flags = readFileSync(join(flagsRoot, 'budapest-1', 'franchise.yaml'), 'utf8');
    const body = (t: string) =>
      t
        .split('\n')
        .filter((l) => !l.startsWith('# yaml-language-server'))
        .join('\n');
    expect(body(flags)).toBe(body(wizard));
    expect(
      parseEnv(readFileSync(join(flagsRoot, 'budapest-1', 'secrets.env'), 'utf8')).get(
        'GEMINI_API_KEY',
      ),
    ).toBe(GEMINI);
  });

  it('Ctrl-C ends it with exit code 130 and nothing written', async () => {
    const r = root();
    const s = new PtySession(['init'], cliEnv(r));
    await s.waitFor('Franchise id');
    s.type('half');
    s.type('\x03');
    expect(await s.exit()).toBe(130);
    expect(existsSync(join(r, 'half'))).toBe(false);
  });

  it('--yes on a terminal never asks: a missing value is an error naming its flag', async () => {
    const r = root();
    const s = new PtySession(['init', '--franchise', 'x1', '--yes'], cliEnv(r));
    expect(await s.exit()).toBe(2);
    expect(s.output).toContain('pass --name <name>');
    expect(s.output).not.toContain('Franchise name');
  });
});
