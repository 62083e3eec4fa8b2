/**
 * SIGKILL of the daemon in the middle of a GDPR cascade started by the ERP's door
 * (DELETE /api/customers/{id}): Chatwoot answers slowly so that step 4 is under way,
 * the daemon is killed, and a new daemon on the same store takes the request over by
 * itself, with nobody running `gdpr resume`. The steps done before the kill are not
 * run again (one customer.deleted webhook, one Chatwoot delete), no step was reported
 * done that was not, and the customer's traces are gone. Needs dist/.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type DaemonProcess } from '../e2e/daemon-process.js';
import { ChatwootStandin } from '../helpers/chatwoot-standin.js';
import { runCli } from '../helpers/cli.js';
import { scanKeys } from '../helpers/gdpr.js';
import { startReceiver, until } from '../helpers/receiver.js';
import { fastEnv } from '../helpers/webhooks.js';

interface View {
  request_id: string;
  state: string;
  steps: { step: string; state: string; runs: number }[];
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const temp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

describe('SIGKILL of the daemon mid-cascade', () => {
  it('a restarted daemon resumes the erasure by itself and completes it; finished steps do not run again', async () => {
    const dataDir = temp('kgc-killgdpr-');
    const memoryRoot = temp('kgc-killgdpr-mem-');
    const prefix = `kgckill:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const chatwoot = new ChatwootStandin('tok_kill', 1);
    await chatwoot.start();
    const rx = await startReceiver(() => ({ status: 204 }));
    const redis = new Redis('redis://127.0.0.1:6379');
    let daemon: DaemonProcess | undefined;
    try {
      const env: Record<string, string> = {
        KGC_SUPPORT_DATA_DIR: dataDir,
        SUPPORT_MEMORY_ROOT: memoryRoot,
        REDIS_URL: 'redis://127.0.0.1:6379',
        KGC_GDPR_REDIS_PATTERNS: `${prefix}support:customer:{id}:*,${prefix}chat:{id}:*`,
        CHATWOOT_URL: chatwoot.url,
        CHATWOOT_API_TOKEN: 'tok_kill',
        CHATWOOT_ACCOUNT_NUMBER: '1',
        KGC_GDPR_HTTP_TIMEOUT: '60s',
        ...fastEnv(rx.url),
      };
      const cliEnv = { ...process.env, ...env, NO_COLOR: '1' };
      expect((await runCli(['demo', 'seed'], cliEnv)).code).toBe(0);
      const issued = await runCli(
        ['keys', 'create', '--name', 'erp-gdpr', '--scope', 'erp:gdpr', '--json'],
        cliEnv,
      );
      expect(issued.code, issued.err).toBe(0);
      const key = issued.json<{ api_key: string }>().api_key;
      mkdirSync(join(memoryRoot, 'kgc-support', 'customers'), { recursive: true });
      for (const id of ['C-123', 'C-456'])
        writeFileSync(join(memoryRoot, 'kgc-support', 'customers', `${id}.json`), '{}');
      await redis.set(`${prefix}support:customer:C-123:ctx`, 'Kovács János');
      await redis.set(`${prefix}chat:C-456:1`, 'Szia');
      chatwoot.add({
        name: 'Kovács János',
        email: 'kovacs@example.com',
        phone_number: '+36301234567',
        identifier: 'C-123',
      });
      chatwoot.add({ name: 'Nagy Péter', email: null, phone_number: null, identifier: 'C-456' });

      daemon = await spawnDaemon(env);
      const headers = { 'x-api-key': key };
      const status = async (id: string): Promise<View> => {
        const res = await fetch(`${daemon?.url}/api/gdpr/requests/${id}`, { headers });
        expect(res.status).toBe(200);
        return (await res.json()) as View;
      };
      chatwoot.delayMs = 60_000; // step 4 hangs on Chatwoot
      const accepted = await fetch(`${daemon.url}/api/customers/C-123`, {
        method: 'DELETE',
        headers,
      });
      expect(accepted.status).toBe(202);
      const { request_id: id } = (await accepted.json()) as { request_id: string };
      let atKill: View | undefined;
      await until(
        async () => (atKill = await status(id)).steps[3]?.state === 'running',
        60_000,
        'the cascade to reach Chatwoot',
      );
      daemon.proc.kill('SIGKILL');
      await new Promise((r) => daemon?.proc.once('exit', r));
      const killedAt = Date.now();
      chatwoot.delayMs = 0;
      expect(atKill?.state).toBe('running');
      expect(atKill?.steps.map((s) => [s.step, s.state])).toEqual([
        ['erp', 'done'],
        ['webhook', 'done'],
        ['memory', 'done'],
        ['chatwoot', 'running'],
        ['redis', 'pending'],
        ['store', 'pending'],
      ]);
      // What a step reported done is done.
      expect(readdirSync(join(memoryRoot, 'kgc-support', 'customers'))).toEqual(['C-456.json']);
      const webhooksAtKill = rx.deliveries.length;
      expect(webhooksAtKill).toBe(1);

      daemon = await spawnDaemon(env);
      let view: View | undefined;
      await until(
        async () => (view = await status(id)).state === 'completed',
        120_000,
        'the restarted daemon to complete the erasure by itself',
      );
      const resumedMs = Date.now() - killedAt;
      // Taken over because its runner is dead, not after the cascade's one-minute lease ran out.
      expect(resumedMs).toBeLessThan(55_000);
      expect(view?.steps.map((s) => [s.step, s.state, s.runs])).toEqual([
        ['erp', 'done', 1],
        ['webhook', 'done', 1],
        ['memory', 'done', 1],
        ['chatwoot', 'done', 2],
        ['redis', 'done', 1],
        ['store', 'done', 1],
      ]);
      expect(chatwoot.calls.delete).toBe(1);
      expect([...chatwoot.contacts.values()].map((c) => c.identifier)).toEqual(['C-456']);
      expect(await scanKeys(redis, `${prefix}*`)).toEqual([`${prefix}chat:C-456:1`]);
      // The customer.deleted notification went out once, not again after the restart.
      expect(new Set(rx.deliveries.map((r) => r.headers['webhook-id'])).size).toBe(1);
      // Asking again answers with the same request: the cascade never runs twice.
      const again = await fetch(`${daemon.url}/api/customers/C-123`, { method: 'DELETE', headers });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { request_id: string }).request_id).toBe(id);
      process.stderr.write(
        `[kill cascade] killed in step chatwoot; completed by the restarted daemon ${resumedMs} ms after the kill; steps run again: chatwoot only; contacts deleted: ${chatwoot.calls.delete}; webhooks: ${rx.deliveries.length}\n`,
      );
    } finally {
      if (daemon) expect(await daemon.stop()).toBe(0);
      const left = await scanKeys(redis, `${prefix}*`);
      if (left.length) await redis.unlink(...left);
      redis.disconnect();
      await rx.stop();
      await chatwoot.stop();
    }
  }, 300_000);
});
