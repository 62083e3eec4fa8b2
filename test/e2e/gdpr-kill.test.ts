/**
 * The real binary killed in the middle of an erasure: `gdpr delete` on the embedded
 * store, Chatwoot answering slowly so that step 4 is under way, SIGKILL. Then
 * `gdpr resume` (a new process, taking over from the dead one at once) completes it:
 * the steps finished before the kill did not run again, the contact was deleted once.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatwootStandin } from '../helpers/chatwoot-standin.js';
import { scanKeys } from '../helpers/gdpr.js';
import { until } from '../helpers/receiver.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'kgc-support.js');

describe('gdpr delete killed mid-cascade (the real binary)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kgc-e2e-gdpr-'));
  const memoryRoot = mkdtempSync(join(tmpdir(), 'kgc-e2e-memory-'));
  const prefix = `kgce2e:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const chatwoot = new ChatwootStandin('tok_e2e', 1);
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  let env: NodeJS.ProcessEnv = {};
  // Asynchronous: the Chatwoot stand-in lives in this process and must keep answering meanwhile.
  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('exit', (status) => {
        clearTimeout(timer);
        done({ status, stdout, stderr });
      });
    });
  const keys = () => scanKeys(redis, `${prefix}*`);

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does)');
    await chatwoot.start();
    await redis.connect();
    env = {
      ...process.env,
      KGC_SUPPORT_DATA_DIR: dataDir,
      NO_COLOR: '1',
      SUPPORT_MEMORY_ROOT: memoryRoot,
      REDIS_URL: 'redis://127.0.0.1:6379',
      KGC_GDPR_REDIS_PATTERNS: `${prefix}support:customer:{id}:*,${prefix}chat:{id}:*`,
      CHATWOOT_URL: chatwoot.url,
      CHATWOOT_API_TOKEN: 'tok_e2e',
      CHATWOOT_ACCOUNT_NUMBER: '1',
      KGC_GDPR_HTTP_TIMEOUT: '30s',
    };
    expect((await cli('demo', 'seed')).status).toBe(0);
    // The dispatcher is not part of this build: with the module off, step 2 is a recorded skip.
    expect((await cli('disable')).status).toBe(0);
    mkdirSync(join(memoryRoot, 'kgc-support', 'customers'), { recursive: true });
    for (const id of ['C-123', 'C-456'])
      writeFileSync(
        join(memoryRoot, 'kgc-support', 'customers', `${id}.json`),
        `{"customer":"${id}"}`,
      );
    await redis.set(`${prefix}support:customer:C-123:ctx`, 'Kovács János');
    await redis.set(`${prefix}chat:C-123:1`, 'Szia');
    await redis.set(`${prefix}chat:C-456:1`, 'Szia');
    chatwoot.add({
      name: 'Kovács János',
      email: 'kovacs@example.com',
      phone_number: '+36301234567',
      identifier: 'C-123',
    });
    chatwoot.add({
      name: 'Nagy Péter',
      email: null,
      phone_number: '+36309876543',
      identifier: 'C-456',
    });
  }, 240_000); // two CLI runs on a fresh embedded store: initdb, migrations and the demo data, slow on a loaded machine
  afterAll(async () => {
    const left = await keys();
    if (left.length) await redis.unlink(...left);
    redis.disconnect();
    await chatwoot.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(memoryRoot, { recursive: true, force: true });
  });

  it('resume completes what the killed process started, without running a finished step again', async () => {
    chatwoot.delayMs = 20_000; // step 4 hangs on Chatwoot
    const child = spawn(
      process.execPath,
      [BIN, 'gdpr', 'delete', 'C-123', '--reason', 'user_request', '--yes', '--json'],
      { env, stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((r) =>
      child.on('exit', (_code, signal) => r(signal)),
    );
    // A loaded CI machine opens the embedded store slowly.
    await until(() => chatwoot.calls.search > 0, 90_000, 'the cascade to reach Chatwoot');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    chatwoot.delayMs = 0;

    const status = await cli('gdpr', 'status', '--json');
    expect(status.status).toBe(0);
    const [killed] = JSON.parse(status.stdout) as {
      request_id: string;
      state: string;
      steps: { step: string; state: string; runs: number }[];
    }[];
    expect(killed?.state).toBe('running');
    expect(killed?.steps.map((s) => [s.step, s.state])).toEqual([
      ['erp', 'done'],
      ['webhook', 'skipped'],
      ['memory', 'done'],
      ['chatwoot', 'running'],
      ['redis', 'pending'],
      ['store', 'pending'],
    ]);
    expect(readdirSync(join(memoryRoot, 'kgc-support', 'customers'))).toEqual(['C-456.json']);

    const resumed = await cli('gdpr', 'resume', killed?.request_id as string, '--json');
    expect(resumed.status, resumed.stderr).toBe(0);
    const view = JSON.parse(resumed.stdout) as {
      state: string;
      steps: { step: string; runs: number; state: string }[];
    };
    expect(view.state).toBe('completed');
    expect(view.steps.map((s) => [s.step, s.state, s.runs])).toEqual([
      ['erp', 'done', 1],
      ['webhook', 'skipped', 1],
      ['memory', 'done', 1],
      ['chatwoot', 'done', 2],
      ['redis', 'done', 1],
      ['store', 'done', 1],
    ]);
    expect([...chatwoot.contacts.values()].map((c) => c.identifier)).toEqual(['C-456']);
    expect(chatwoot.calls.delete).toBe(1);
    expect(await keys()).toEqual([`${prefix}chat:C-456:1`]);
    const receipt = await cli('gdpr', 'receipt', killed?.request_id as string, '--json');
    for (const n of ['Kovács', '+36301234567', '301234567', 'kovacs@example.com', 'C-123'])
      expect(receipt.stdout, n).not.toContain(n);
  }, 240_000);
});
