/**
 * The real binary on a pseudo-terminal (util-linux `script`), driven like a person
 * types: wait for a prompt, answer it. What it printed is kept with the terminal's
 * escape sequences removed.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/kgc-support.js', import.meta.url));

export function ptyUnavailable(): string | undefined {
  const r = spawnSync('script', ['-qfec', 'true', '/dev/null'], { stdio: 'ignore' });
  return r.status === 0
    ? undefined
    : 'util-linux `script` is not installed (it provides the pseudo-terminal)';
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export class PtySession {
  private raw = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    const cmd = ['node', BIN, ...args].map(shellQuote).join(' ');
    this.child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      env: { ...env, TERM: 'xterm', COLUMNS: '160', LINES: '50' },
    });
    this.child.stdout.on('data', (d: Buffer) => {
      this.raw += d.toString('utf8');
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.raw += d.toString('utf8');
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
    );
  }

  /** Everything shown so far, without escape sequences. */
  get output(): string {
    return this.raw.replace(ANSI, '').replace(/\r/g, '');
  }

  async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = () =>
      typeof text === 'string' ? this.output.includes(text) : text.test(this.output);
    while (!seen()) {
      if (Date.now() > deadline)
        throw new Error(
          `waited ${timeoutMs} ms for ${String(text)}; the terminal shows:\n${this.output}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types text (a "\r" is Enter). */
  type(text: string): void {
    this.child.stdin.write(text);
  }

  exit(): Promise<number> {
    return this.exited;
  }
}
