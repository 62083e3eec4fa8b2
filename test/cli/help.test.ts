/**
 * What --help promises, checked against the sources it must follow: the top-level
 * examples show an installed server's usage, value lists come from the one list of
 * scopes and of services, and an unknown command is a usage error whatever follows it.
 */
import { describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { SCOPES } from '../../src/keys/scopes.js';
import { SUPPORT_SERVICES } from '../../src/render/services.js';

const run = async (...args: string[]) => {
  const io = recordingIO({ NO_COLOR: '1' });
  const code = await main(['node', 'kgc-support', ...args], io);
  return { code, out: io.out, err: io.err };
};
/** Help text with its line wrapping undone. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('--help', () => {
  it("shows the installed server's usage (--franchise) among the top-level examples", async () => {
    const top = await run('--help');
    expect(top.code).toBe(0);
    const examples = top.out.split('\n').filter((l) => l.trimStart().startsWith('$ kgc-support'));
    expect(examples.filter((l) => l.includes('--franchise ')).length).toBeGreaterThanOrEqual(3);
    expect(examples.some((l) => /--data-dir|serve/.test(l))).toBe(true);
  });

  it('keys create and keys import list every scope, erp:gdpr included', async () => {
    for (const cmd of ['create', 'import']) {
      const help = flat((await run('keys', cmd, '--help')).out);
      expect(SCOPES.filter((s) => !help.includes(`"${s}"`))).toEqual([]);
      expect(help).toContain('erp:gdpr');
    }
  });

  it('up, down, status and logs list every support service for --service, kgc-support-db included', async () => {
    for (const cmd of ['up', 'down', 'status', 'logs']) {
      const help = flat((await run(cmd, '--help')).out);
      expect(
        SUPPORT_SERVICES.filter((s) => !help.includes(`"${s}"`)),
        cmd,
      ).toEqual([]);
    }
    expect(flat((await run('up', '--help')).out)).toContain('"kgc-support-db"');
  });
});

describe('an unknown command', () => {
  it.each([
    [['no-such-command', '--help']],
    [['no-such-command', '--json', '--franchise', 'x']],
    [['--json', 'no-such-command', '--help']],
    [['--data-dir', '/tmp/x', 'no-such-command', '-h']],
    [['keys', 'no-such-command', '--help']],
    [['help', 'no-such-command']],
  ])('is a usage error (exit 2) whatever follows it: %j', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'no-such-command'");
    expect(r.out).toBe('');
  });

  it('suggests the command meant', async () => {
    const r = await run('keyz', '--help');
    expect(r.code).toBe(2);
    expect(r.err).toContain('(Did you mean keys?)');
  });

  it('leaves known commands, their help and their arguments alone', async () => {
    expect((await run('keys', '--help')).code).toBe(0);
    expect((await run('help', 'keys')).code).toBe(0);
    expect((await run('--data-dir', '/tmp/x', 'keys', 'create', '--help')).code).toBe(0);
    // A command's own argument is not a command: gdpr delete <customer-id>.
    expect((await run('gdpr', 'delete', 'C-123', '--help')).code).toBe(0);
  });
});

describe('no command', () => {
  // Commander's own reading (help on stderr, a non-zero code), with the code this tool
  // gives every usage error: a script that forgot the command fails instead of passing.
  it.each([[[]], [['--json']], [['keys']], [['gdpr']]])(
    'prints the help on stderr and is a usage error (exit 2): %j',
    async (args) => {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^Usage: kgc-support/);
      expect(r.err).toContain('Commands:');
    },
  );

  it('--help and help still print it on stdout with exit 0', async () => {
    for (const args of [['--help'], ['help'], ['keys', '--help'], ['help', 'keys']]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: kgc-support/);
    }
  });
});
