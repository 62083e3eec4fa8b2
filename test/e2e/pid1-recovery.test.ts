/**
 * The daemon as a container runs it, without Docker: pid 1 in its own pid and UTS
 * namespaces (`unshare --pid --uts --fork --mount-proc`), the real binary. SIGKILLed, it
 * leaves its lock files behind; restarted in a new namespace, with another host name and
 * pid 1 again, it takes the store and is ready, with its state. As pid 1 it has no
 * default signal actions: SIGTERM while it waits for the ERP's database must still end it,
 * at once, exit 0. Needs root (namespaces) and dist/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath, lockSocketPath } from '../../src/store/lock.js';
import { BIN } from './daemon-process.js';

const canUnshare =
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['--pid', '--uts', '--fork', '--mount-proc', 'true']).status === 0;
if (!canUnshare) console.warn('\n!!! SKIP pid-1 recovery test: needs root and unshare\n');

const dir = mkdtempSync(join(tmpdir(), 'kgc-pid1-'));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const p of running) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Contained {
  /** unshare: exits with the daemon's own status. */
  outer: ChildProcess;
  /** The daemon's pid as this (the host's) namespace sees it; pid 1 inside. */
  hostPid: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** `kgc-support serve` as pid 1 of a new pid and UTS namespace, named `host`. */
async function contained(
  host: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Contained> {
  const outer = spawn(
    'unshare',
    [
      '--pid',
      '--uts',
      '--fork',
      '--mount-proc',
      'sh',
      '-c',
      `hostname ${host} && exec "$0" "$@"`,
      process.execPath,
      BIN,
      'serve',
      ...args,
    ],
    {
      env: { PATH: process.env.PATH ?? '', HOME: dir, KGC_SUPPORT_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.push(outer);
  let text = '';
  outer.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  outer.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => outer.once('exit', (code) => r(code)));
  // unshare forks the child that becomes sh, then node (exec): pid 1 inside.
  const hostPid = await poll('the namespaced daemon process', 10_000, () => {
    const kids = readFileSync(`/proc/${outer.pid}/task/${outer.pid}/children`, 'utf8').trim();
    const pid = Number(kids.split(' ')[0]);
    if (!pid) return undefined;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('kgc-support.js') ? pid : undefined;
  });
  const nsPid = readFileSync(`/proc/${hostPid}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)?.[1];
  expect(nsPid?.trim().split(/\s+/).pop(), 'the daemon is pid 1 in its namespace').toBe('1');
  return { outer, hostPid, output: () => text, exited };
}

async function poll<T>(
  what: string,
  ms: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `waited ${ms / 1000} s for ${what}${last ? `; last: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

const readyStatus = async (port: number): Promise<number> =>
  (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(5_000) })).status;

describe.skipIf(!canUnshare)('the daemon as pid 1 of a container, without Docker', () => {
  const dataDir = join(dir, 'data');
  let demoKey = '';

  it('SIGKILLed, then restarted in a new namespace (pid 1 again, another host name): ready, state intact', async () => {
    const port = await freePort();
    const first = await contained('c1', ['--demo', '--data-dir', dataDir, '--port', String(port)]);
    // A fresh PGlite cluster and its migrations: seconds of CPU, more on a loaded machine.
    await poll('the first daemon to be ready', 180_000, async () =>
      (await readyStatus(port)) === 200 ? true : undefined,
    );
    demoKey = /\n {2}(kgc_\w+)\n/.exec(first.output())?.[1] ?? '';
    expect(demoKey, first.output()).toMatch(/^kgc_/);
    process.kill(first.hostPid, 'SIGKILL');
    await first.exited;
    // What a killed holder leaves: the lock's files, naming pid 1 on c1.
    expect(existsSync(lockSocketPath(dataDir))).toBe(true);
    expect(JSON.parse(readFileSync(lockPath(dataDir), 'utf8'))).toMatchObject({
      pid: 1,
      hostname: 'c1',
    });

    const t0 = Date.now();
    const second = await contained('c2', ['--data-dir', dataDir, '--port', String(port)]);
    await poll('the restarted daemon to be ready', 120_000, async () =>
      (await readyStatus(port)) === 200 ? true : undefined,
    );
    console.info(`restarted after SIGKILL: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const res = await fetch(`http://127.0.0.1:${port}/api/service/worklogs/M-2025-0123/status`, {
      headers: { authorization: `Bearer ${demoKey}` },
    });
    expect(res.status, second.output()).toBe(200);
    process.kill(second.hostPid, 'SIGTERM');
    expect(await second.exited, second.output()).toBe(0);
  });

  it('SIGTERM as pid 1 while it waits for the ERP database: exits 0 within 5 s', async () => {
    const port = await freePort();
    const d = await contained('c3', ['--data-dir', dataDir, '--port', String(port)], {
      ERP_DATABASE_URL: 'postgres://nobody:bad@127.0.0.1:5432/nope',
    });
    // It waits: the port answers, /ready names the ERP database.
    const body = await poll('the daemon to wait for the ERP, answering 503', 120_000, async () => {
      const r = await fetch(`http://127.0.0.1:${port}/ready`);
      return r.status === 503 ? await r.text() : undefined;
    });
    expect(body).toContain('ERP database');
    const t0 = Date.now();
    process.kill(d.hostPid, 'SIGTERM');
    const code = await Promise.race([
      d.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 5_000)),
    ]);
    const took = Date.now() - t0;
    console.info(`SIGTERM while waiting for the ERP: exit ${code} in ${took} ms`);
    expect(code, d.output()).toBe(0);
    expect(d.output()).toMatch(/SIGTERM: stopped while starting/);
    // The lock was released on the way out.
    expect(existsSync(lockSocketPath(dataDir))).toBe(false);
  });
});
