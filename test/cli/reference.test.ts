/**
 * The completion scripts and the manual page, written from the command tree: each shell
 * accepts its script (bash -n, zsh -n, fish --no-execute), bash and fish really complete
 * commands, options and their values, and man renders the page without a warning.
 * Without zsh, fish or man the test says SKIP loudly (.ci/run installs them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { buildProgram, main } from '../../src/cli/main.js';
import { referenceFiles } from '../../src/cli/reference/files.js';
import { allCommands, commandTree } from '../../src/cli/reference/tree.js';
import { SETTINGS } from '../../src/config/settings.js';
import { SCOPES } from '../../src/keys/scopes.js';
import { SUPPORT_SERVICES } from '../../src/render/services.js';
import { VERSION } from '../../src/version.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const missing = ['bash', 'zsh', 'fish', 'man'].filter((t) => !has(t));
if (missing.length > 0)
  console.warn(
    `\n*** SKIP parts of the completion and man page tests: ${missing.join(', ')} not installed (apt-get install zsh fish man-db groff-base) ***\n`,
  );

const dir = mkdtempSync(join(tmpdir(), 'kgc-reference-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function generated(...args: string[]): Promise<string> {
  const io = recordingIO();
  expect(await main(['node', 'kgc-support', ...args], io), io.err).toBe(0);
  return io.out;
}

async function scriptFile(shell: string): Promise<string> {
  const file = join(dir, `kgc-support.${shell}`);
  writeFileSync(file, await generated('completion', shell));
  return file;
}

/** The franchises directory the completion lists ids from. */
const franchises = join(dir, 'franchises');
for (const id of ['budapest-1', 'debrecen-2']) {
  mkdirSync(join(franchises, id), { recursive: true });
  writeFileSync(join(franchises, id, 'franchise.yaml'), `id: ${id}\n`);
}
mkdirSync(join(franchises, 'not-a-franchise'));

const topCommands = commandTree(buildProgram(recordingIO())).commands.map(
  (c) => c.path[0] as string,
);

describe('shell completion', () => {
  it.each(['bash', 'zsh', 'fish'])('%s accepts its script', async (shell) => {
    const file = await scriptFile(shell);
    if (missing.includes(shell)) return;
    const check = shell === 'fish' ? ['fish', ['--no-execute', file]] : [shell, ['-n', file]];
    const r = spawnSync(check[0] as string, check[1] as string[], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it.skipIf(missing.includes('bash'))(
    'bash completes commands, subcommands, options and their values',
    async () => {
      const file = await scriptFile('bash');
      // As bash calls a completion function: the line, the cursor, the words, the current word.
      const complete = (line: string) => {
        const script = `source ${JSON.stringify(file)}
COMP_LINE=$1; COMP_POINT=\${#1}
read -ra COMP_WORDS <<<"$1"; [[ $1 == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_kgc_support
printf '%s\\n' "\${COMPREPLY[@]}"`;
        return execFileSync('bash', ['--norc', '-c', script, 'bash', line], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, KGC_SUPPORT_FRANCHISES_DIR: franchises },
        })
          .split('\n')
          .filter((w) => w !== '');
      };
      expect(complete('kgc-support ').sort()).toEqual([...topCommands].sort());
      expect(complete('kgc-support ke')).toEqual(['keys']);
      expect(complete('kgc-support keys cr')).toEqual(['create']);
      expect(complete('kgc-support keys create --sc')).toEqual(['--scope']);
      expect(complete('kgc-support keys create --scope ')).toEqual([...SCOPES]);
      // bash's word starts after the ':' (COMP_WORDBREAKS): the reply is the rest of it.
      expect(complete('kgc-support keys create --scope erp:')).toEqual(['publish', 'gdpr']);
      expect(complete('kgc-support --json up --service kgc-')).toEqual(
        SUPPORT_SERVICES.filter((s) => s.startsWith('kgc-')),
      );
      expect(complete('kgc-support status --franchise ')).toEqual(['budapest-1', 'debrecen-2']);
      expect(complete('kgc-support completion ')).toEqual(['bash', 'zsh', 'fish']);
      expect(complete('kgc-support support-bundle --')).toEqual(
        expect.arrayContaining(['--franchise', '--output', '--json', '--help']),
      );
    },
  );

  it.skipIf(missing.includes('fish'))('fish completes the same', async () => {
    const file = await scriptFile('fish');
    const complete = (line: string) =>
      execFileSync(
        'fish',
        ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, file, line],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: dir, KGC_SUPPORT_FRANCHISES_DIR: franchises },
        },
      )
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[0]);
    expect(complete('kgc-support ke')).toEqual(['keys']);
    expect(complete('kgc-support keys create --scope ').sort()).toEqual([...SCOPES].sort());
    expect(complete('kgc-support status --franchise ')).toEqual(['budapest-1', 'debrecen-2']);
  });
});

describe('the manual page', () => {
  it.skipIf(missing.includes('man'))(
    'renders with man -l and no warning, with every command and setting in it',
    () => {
      const page = join(dir, 'kgc-support.1');
      writeFileSync(
        page,
        referenceFiles(buildProgram(recordingIO()), VERSION)['man/kgc-support.1'] ?? '',
      );
      const r = spawnSync('man', ['--warnings=w', '-E', 'UTF-8', '-l', page], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8', MANWIDTH: '100', MANPAGER: 'cat' },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr, 'groff warnings').toBe('');
      const text = r.stdout.replace(/\s+/g, ' ');
      const paths = allCommands(commandTree(buildProgram(recordingIO())))
        .slice(1)
        .map((c) => ['kgc-support', ...c.path].join(' '));
      expect(paths.filter((p) => !text.includes(p))).toEqual([]);
      const envs = Object.values(SETTINGS).map((s) => s.env);
      expect(envs.filter((e) => !text.includes(e))).toEqual([]);
      expect(text).toContain('kgc-support keys create --franchise budapest-1');
    },
  );
});
