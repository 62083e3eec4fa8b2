/**
 * Without a daemon, each CLI command opens the embedded store itself under the
 * data directory lock: commands started together wait their turn; none fails,
 * none corrupts the store.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/kgc-support.js');
const dataDir = mkdtempSync(join(tmpdir(), 'kgc-cc-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  new Promise<{ code: number | null; out: string; err: string }>((res) => {
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => res({ code, out, err }));
  });

describe('concurrent CLI commands on the embedded store', () => {
  it('take turns: three key creations started together all succeed', async () => {
    await run('demo', 'seed');
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        run('--json', 'keys', 'create', '--name', `cc${i}`, '--scope', 'support:read'),
      ),
    );
    for (const r of results) expect(r.code, r.err).toBe(0);
    const list = await run('--json', 'keys', 'list');
    expect(
      JSON.parse(list.out)
        .map((k: { name: string }) => k.name)
        .sort(),
    ).toEqual(['cc1', 'cc2', 'cc3']);
  });
});

describe('kgc-support in a pipe', () => {
  it('stops quietly when the reader goes away (| head)', async () => {
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync(
      'bash',
      ['-c', `node ${BIN} --help | head -1; echo "exit=\${PIPESTATUS[0]}"`],
      { encoding: 'utf8' },
    );
    expect(res.stdout).toContain('Usage: kgc-support');
    expect(res.stdout).toContain('exit=0');
    expect(res.stderr).not.toContain('EPIPE');
  });
});
