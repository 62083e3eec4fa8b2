/**
 * The real binary (`kgc-support serve` from dist/) with PostgreSQL cut three times
 * under load: the process never exits (an unhandled connection error would end it),
 * it serves again after each cut without a supervisor, and SIGTERM still ends it
 * cleanly (a LISTEN reconnect left over from a cut kept it alive). pg-outage.test.ts checks
 * the same in-process with every answer and delivery counted.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../src/context/clock.js';
import { generateKey } from '../../src/keys/key-format.js';
import { spawnDaemon } from '../e2e/daemon-process.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until } from '../helpers/receiver.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { fastEnv } from '../helpers/webhooks.js';
import { startPublishers } from './publisher.js';

const root = mkdtempSync(join(tmpdir(), 'kgc-fault-proc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function storeCheck(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { checks?: { store?: { status?: string } } };
    return body.checks?.store?.status;
  } catch {
    return undefined;
  }
}

describe('the real daemon process with PostgreSQL cut under load', () => {
  it('never exits by itself, serves again after each cut, and stops on SIGTERM', async () => {
    if (!existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build`');
    const db = await createDatabase('kgc_fault_proc');
    const rx = await startReceiver();
    const target = new URL(db.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const key = generateKey(cryptoRandom);
    const d = await spawnDaemon(
      {
        HOME: root,
        KGC_SUPPORT_LOG_LEVEL: 'info',
        KGC_SUPPORT_LOG_FORMAT: 'json',
        KGC_SUPPORT_DATA_DIR: join(root, 'data'),
        DATABASE_URL: proxy.url(db.url),
        KGC_SUPPORT_PUBLISH_KEY: key,
        ...fastEnv(rx.url),
      },
      90_000,
      { captureStdout: true },
    );
    let exited: string | undefined;
    d.proc.once('exit', (code, signal) => {
      exited = `exit code ${code}, signal ${signal}`;
    });
    const load = startPublishers(() => d.url, key, { workers: 4, prefix: 'proc' });
    try {
      await until(() => load.acked.size >= 20, 30_000, 'the first acknowledged events');
      for (let cut = 0; cut < 3; cut++) {
        await proxy.cut();
        await until(async () => (await storeCheck(d.url)) === 'fail', 15_000, 'the store to fail');
        const refused = load.codes.get('store_unavailable') ?? 0;
        await until(
          () => (load.codes.get('store_unavailable') ?? 0) > refused || exited !== undefined,
          15_000,
          'a 503 during the cut',
        );
        await proxy.restore();
        const acked = load.acked.size;
        await until(
          () => load.acked.size >= acked + 20 || exited !== undefined,
          30_000,
          'publishing to resume',
        );
        expect(exited, `the daemon exited during cut ${cut + 1}:\n${d.stderr()}`).toBeUndefined();
      }
      await load.stop();
      console.log(
        `[faults] real process, PG cut x3: alive, ${load.acked.size} acknowledged, answers ${JSON.stringify(Object.fromEntries(load.statuses))}`,
      );
      expect(load.statuses.get('500') ?? 0).toBe(0);
      expect(exited).toBeUndefined();
    } finally {
      await load.stop();
      const stopped = await Promise.race([
        d.stop(),
        new Promise<string>((r) => setTimeout(() => r('no exit within 30 s'), 30_000)),
      ]);
      if (stopped !== 0) d.proc.kill('SIGKILL');
      expect(
        stopped,
        d
          .stdout()
          .split('\n')
          .map((l) => /"msg":"([^"]*)"/.exec(l)?.[1])
          .filter(Boolean)
          .slice(-30)
          .join('\n'),
      ).toBe(0);
      await proxy.close();
      await rx.stop();
      await db.drop();
    }
  }, 180_000);
});
