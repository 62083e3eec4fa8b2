/** Spawns the real binary (`node bin/kgc-support.js serve`, from dist/) and waits until it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kgc-support.js');

export interface DaemonProcess {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  /** What it wrote on stdout (empty unless spawned with `captureStdout`). */
  stdout: () => string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

export async function spawnDaemon(
  env: Record<string, string>,
  timeoutMs = 90_000,
  opts: { captureStdout?: boolean } = {},
): Promise<DaemonProcess> {
  const proc = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      KGC_SUPPORT_PORT: '0',
      KGC_SUPPORT_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`daemon did not start within ${timeoutMs} ms:\n${err}`)),
      timeoutMs,
    );
    proc.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`daemon exited with ${code}:\n${err}`));
    });
  });
  return {
    proc,
    url,
    stderr: () => err,
    stdout: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) {
          resolve(proc.exitCode);
          return;
        }
        proc.once('exit', (code) => resolve(code));
        proc.kill('SIGTERM');
      }),
  };
}
