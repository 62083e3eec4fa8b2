/** The CLI in-process: help, usage errors, exit codes, --json purity, NO_COLOR. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CATALOGUE } from '../../src/errors/catalogue.js';
import { recordingIO } from '../../src/cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'kgc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = async (args: string[], env: NodeJS.ProcessEnv = {}, tty = false) => {
  const io = recordingIO({ KGC_SUPPORT_DATA_DIR: dir, ...env }, tty);
  const code = await main(['node', 'kgc-support', ...args], io);
  return { code, out: io.out, err: io.err };
};

describe('kgc-support CLI', () => {
  it('shows help with examples for every command, exit 0', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.out).toContain('Examples:');
    for (const cmd of [
      ['serve'],
      ['keys', 'create'],
      ['keys', 'rotate'],
      ['keys', 'expiring'],
      ['audit'],
      ['enable'],
      ['demo', 'seed'],
      ['config'],
    ]) {
      const res = await run([...cmd, '--help']);
      expect(res.code, cmd.join(' ')).toBe(0);
      expect(res.out, cmd.join(' ')).toMatch(/Examples?\b/);
    }
  });

  it('exits 2 on usage errors: unknown command, missing required flag, bad value', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    const missing = await run(['keys', 'create', '--name', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--scope');
    const badScope = await run(['keys', 'create', '--name', 'x', '--scope', 'support:write']);
    expect(badScope.code).toBe(2);
    expect(badScope.err).toContain('unknown scope "support:write"');
    expect((await run(['audit', '--kind', 'nope'])).code).toBe(2);
  });

  it('health --format nagios: a usage error is UNKNOWN (3) with one line on stdout, not CRITICAL', async () => {
    for (const args of [
      ['health', '--format', 'nagios', '--bogus'],
      ['health', '--format=nagios', '--timeout'],
    ]) {
      const res = await run(args);
      expect(res.code, args.join(' ')).toBe(3);
      expect(res.out, args.join(' ')).toMatch(
        /^KGC-SUPPORT UNKNOWN - (unknown option '--bogus'|option '--timeout <duration>' argument missing)\n$/,
      );
    }
    // After global options (and the value of one) it is still the health command.
    expect((await run(['--data-dir', dir, 'health', '--format', 'nagios', '--bogus'])).code).toBe(
      3,
    );
    // Without nagios, or in another command that merely mentions the word, the same
    // mistake stays an ordinary usage error.
    expect((await run(['health', '--bogus'])).code).toBe(2);
    const other = await run(['keys', 'create', '--name', 'health', '--format', 'nagios']);
    expect(other.code).toBe(2);
    expect(other.out).toBe('');
  });

  it('puts only the result on stdout with --json, and errors as JSON on stderr', async () => {
    const ok = await run([
      '--json',
      'keys',
      'create',
      '--name',
      'json-test',
      '--scope',
      'support:read',
    ]);
    expect(ok.code).toBe(0);
    const parsed = JSON.parse(ok.out);
    expect(parsed.api_key).toMatch(/^kgc_/);
    expect(parsed.key).toMatchObject({ name: 'json-test', scopes: ['support:read'] });
    const bad = await run(['--json', 'keys', 'revoke', 'key_nope']);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(JSON.parse(bad.err).error).toEqual({
      code: 'key_not_found',
      message: expect.any(String),
      hint: CATALOGUE.key_not_found.hint,
    });
    expect(CATALOGUE.key_not_found.hint).toBeTruthy();
  });

  it('colours only on a terminal and never with NO_COLOR', async () => {
    const tty = await run(['keys', 'list'], {}, true);
    expect(tty.out).toContain('\u001b[');
    const noColor = await run(['keys', 'list'], { NO_COLOR: '1' }, true);
    expect(noColor.out).not.toContain('\u001b[');
    const pipe = await run(['keys', 'list']);
    expect(pipe.out).not.toContain('\u001b[');
  });

  it('reports a bad environment clearly', async () => {
    const res = await run(['keys', 'list'], { KGC_SUPPORT_PORT: 'abc' });
    expect(res.code).toBe(2);
    expect(res.err).toContain('KGC_SUPPORT_PORT');
  });

  it('prints nothing for keys expiring when none expire and stdout is not a terminal (quiet cron)', async () => {
    const res = await run(['keys', 'expiring', '--within', '1d']);
    expect(res).toMatchObject({ code: 0, out: '' });
  });

  it('masks secrets in config', async () => {
    const res = await run(['config'], { DATABASE_URL: 'postgres://kgc:s3cret@db:5432/kgc' });
    expect(res.code).toBe(0);
    expect(res.out).toContain('postgres://kgc:***@db:5432/kgc');
    expect(res.out).not.toContain('s3cret');
  });
});
