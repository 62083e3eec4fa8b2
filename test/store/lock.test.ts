/**
 * The data directory lock: one process per embedded store, a clear message for the second,
 * and a holder's death, however it dies, frees it (the kernel closes its socket): no pid,
 * host name or leftover file keeps a restarted daemon out. Needs dist/ (the holder is a
 * child process running the built module).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireLock,
  lockHolder,
  lockPath,
  lockSocketPath,
  readLock,
} from '../../src/store/lock.js';

const LOCK_JS = resolve(import.meta.dirname, '../../dist/store/lock.js');
const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kgc-lock-'));
  dirs.push(d);
  return d;
}
beforeAll(() => {
  if (!existsSync(LOCK_JS)) throw new Error('dist/ is missing: run `npm run build`');
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Another process takes the lock as `command` and says "held" (or the error it got). */
async function holderProcess(dir: string, command = 'serve'): Promise<ChildProcess> {
  const script = `import { acquireLock } from ${JSON.stringify(LOCK_JS)};
try { const l = await acquireLock(${JSON.stringify(dir)}, ${JSON.stringify(command)}); l.update({ adminSocket: '/run/x.sock' }); console.log('held'); setInterval(() => {}, 1000); }
catch (e) { console.log('error ' + e.message); process.exit(1); }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = (await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next())
    .value as string;
  if (line !== 'held') throw new Error(`the holder process said: ${line}`);
  return child;
}

async function sigkill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('data directory lock', () => {
  it('is taken, answers who holds it, and is released with its files', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir, 'keys list');
    expect(readLock(dir)).toMatchObject({ pid: process.pid, command: 'keys list' });
    lock.update({ adminSocket: '/x.sock' });
    expect(await lockHolder(dir)).toMatchObject({ pid: process.pid, adminSocket: '/x.sock' });
    lock.release();
    expect(await lockHolder(dir)).toBeUndefined();
    expect(existsSync(lockPath(dir))).toBe(false);
    expect(existsSync(lockSocketPath(dir))).toBe(false);
  });

  it('refuses a second opener while the holder lives, naming its pid and command', async () => {
    const dir = tempDir();
    const holder = await holderProcess(dir);
    await expect(acquireLock(dir, 'keys list')).rejects.toMatchObject({
      code: 'store_locked',
      message: expect.stringContaining(`pid ${holder.pid} (kgc-support serve`),
      extras: { holder_pid: holder.pid, holder_command: 'serve' },
    });
    // The live holder is what lockHolder reports, from the holder itself.
    expect(await lockHolder(dir)).toMatchObject({ pid: holder.pid, adminSocket: '/run/x.sock' });
  });

  it('is free the moment its holder is SIGKILLed, whatever its leftover files say', async () => {
    const dir = tempDir();
    const holder = await holderProcess(dir);
    await sigkill(holder);
    // Left behind: the socket file and the information file naming a pid that is now...
    expect(existsSync(lockSocketPath(dir))).toBe(true);
    expect(readLock(dir)?.pid).toBe(holder.pid);
    expect(await lockHolder(dir)).toBeUndefined();
    // ... our own pid, as a restarted container's daemon is pid 1 again: it decides nothing.
    writeFileSync(lockPath(dir), JSON.stringify({ ...readLock(dir), pid: process.pid }));
    const lock = await acquireLock(dir, 'serve');
    expect(await lockHolder(dir)).toMatchObject({ pid: process.pid, command: 'serve' });
    lock.release();
  });

  it('lets exactly one of several racing openers of a dead lock win', async () => {
    const dir = tempDir();
    await sigkill(await holderProcess(dir));
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => holderProcess(dir, 'serve')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect(String(r.reason)).toMatch(/error data directory .* is in use by pid \d+/);
  });

  it('works in a data directory too deep for a socket address', async () => {
    const dir = join(tempDir(), 'a'.repeat(60), 'b'.repeat(60));
    mkdirSync(dir, { recursive: true });
    const lock = await acquireLock(dir, 'serve');
    await expect(acquireLock(dir, 'keys list')).rejects.toMatchObject({ code: 'store_locked' });
    lock.release();
    const again = await acquireLock(dir, 'keys list');
    again.release();
  });

  it('never replaces something that is not a socket', async () => {
    const dir = tempDir();
    writeFileSync(lockSocketPath(dir), 'not a socket');
    await expect(acquireLock(dir, 'serve')).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
