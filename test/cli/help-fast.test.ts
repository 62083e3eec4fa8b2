/**
 * bin/kgc-support.js answers `[command…] --help` from pages written at build time, without
 * loading the command tree. Every page must be what commander itself prints for that line,
 * at every width the fast path serves; any other line must go to commander.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fastHelp, type HelpPages, type HelpTarget } from '../../src/cli/help-fast.js';
import { recordingIO } from '../../src/cli/io.js';
import { buildProgram, main } from '../../src/cli/main.js';
import { helpPages } from '../../src/cli/reference/help-pages.js';

const BIN = fileURLToPath(new URL('../../bin/kgc-support.js', import.meta.url));
const pages: HelpPages = helpPages(buildProgram(recordingIO()));
const load = () => pages;

/** What commander prints for `args` on a stdout like `target`. */
async function commander(args: readonly string[], target: HelpTarget) {
  const io = recordingIO({}, target.isTTY === true, target.columns);
  const code = await main(['node', 'kgc-support', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('the --help fast path', () => {
  it('prints exactly what commander prints, for every command and every width it serves', async () => {
    const paths = Object.keys(pages);
    expect(paths.length).toBeGreaterThan(40);
    let served = 0;
    for (const path of paths) {
      const words = path === '' ? [] : path.split(' ');
      const wideFrom = pages[path]?.wideFrom ?? 0;
      const targets: HelpTarget[] = [
        { isTTY: false },
        { isTTY: true, columns: 80 },
        { isTTY: true },
        { isTTY: true, columns: 60 },
        { isTTY: true, columns: 100 },
        { isTTY: true, columns: 132 },
        { isTTY: true, columns: wideFrom - 1 },
        { isTTY: true, columns: wideFrom },
        { isTTY: true, columns: wideFrom + 50 },
      ];
      for (const flag of ['--help', '-h']) {
        for (const target of targets) {
          const fast = fastHelp([...words, flag], target, load);
          const width = target.isTTY ? (target.columns ?? 80) : 80;
          // 80 columns (pipes, files) and terminals wider than the longest line: always served.
          if (width === 80 || width >= wideFrom) expect(fast, `${path} ${width}`).toBeDefined();
          if (fast === undefined) continue;
          served++;
          const real = await commander([...words, flag], target);
          expect(real.code).toBe(0);
          expect(real.err).toBe('');
          expect(fast, `kgc-support ${path} ${flag} at ${width} columns`).toBe(real.out);
        }
      }
    }
    expect(served).toBeGreaterThan(paths.length * 8);
  });

  it.each([
    [[]],
    [['keys']],
    [['nosuch', '--help']],
    [['keys', 'nosuch', '--help']],
    [['--json', '--help']],
    [['keys', 'create', '--name', 'x', '--help']],
    [['--help', 'keys']],
    [['help', 'keys']],
    [['--version']],
  ])('leaves %j to commander', (args) => {
    expect(fastHelp(args, { isTTY: false }, load)).toBeUndefined();
  });

  it('reads no pages for a line that does not end with a help flag', () => {
    const never = () => {
      throw new Error('pages read');
    };
    expect(fastHelp(['keys', 'list', '--json'], { isTTY: false }, never)).toBeUndefined();
  });

  it('the installed bin serves the built pages: same text and exit code as commander', async () => {
    for (const args of [['--help'], ['keys', 'create', '--help'], ['nosuch', '--help']]) {
      const bin = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
      const real = await commander(args, { isTTY: false });
      expect(bin.stdout, args.join(' ')).toBe(real.out);
      expect(bin.stderr, args.join(' ')).toBe(real.err);
      expect(bin.status, args.join(' ')).toBe(real.code);
    }
  });
});
