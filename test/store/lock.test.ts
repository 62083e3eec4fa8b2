/** The data directory lock: one process per embedded store, a clear message for the second. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, lockPath, readLock } from '../../src/store/lock.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kgc-lock-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function liveNode(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  return new Promise((resolve) => child.once('spawn', () => resolve(child)));
}

function fakeLock(dir: string, pid: number, command = 'serve'): void {
  writeFileSync(
    lockPath(dir),
    JSON.stringify({ pid, hostname: hostname(), command, startedAt: '2026-01-01T00:00:00.000Z' }),
  );
}

describe('data directory lock', () => {
  it('is taken, recorded with our pid, and released', () => {
    const dir = tempDir();
    const lock = acquireLock(dir, 'keys list');
    expect(readLock(dir)).toMatchObject({ pid: process.pid, command: 'keys list' });
    lock.update({ adminSocket: '/x.sock' });
    expect(readLock(dir)?.adminSocket).toBe('/x.sock');
    lock.release();
    expect(readLock(dir)).toBeUndefined();
  });

  it('refuses a second opener while the holder lives, naming its pid and command', async () => {
    const dir = tempDir();
    const holder = await liveNode();
    fakeLock(dir, holder.pid as number);
    expect(() => acquireLock(dir, 'serve')).toThrowError(
      expect.objectContaining({
        code: 'store_locked',
        message: expect.stringContaining(`pid ${holder.pid} (kgc-support serve`),
      }),
    );
    // The holder's lock is untouched.
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(holder.pid);
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = tempDir();
    const holder = await liveNode();
    fakeLock(dir, holder.pid as number);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const lock = acquireLock(dir, 'serve');
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('does not mistake a reused pid of another program for the holder', async () => {
    const dir = tempDir();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(other);
    await new Promise((r) => other.once('spawn', r));
    fakeLock(dir, other.pid as number);
    const lock = acquireLock(dir, 'serve');
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });
});
