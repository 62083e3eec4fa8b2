/**
 * The full-disk scenario both engines go through: publishers write while the
 * store's disk is filled to zero bytes free; a write that cannot be made durable
 * is never acknowledged (507 `storage_full`, never 500), `/ready` fails and says
 * why, `keys create` prints the clear error, nothing acknowledged is lost, and once
 * space returns the daemon resumes by itself. Prints its figures.
 */
import { expect } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { generateKey } from '../../src/keys/key-format.js';
import { startReceiver, until } from '../helpers/receiver.js';
import { fastEnv } from '../helpers/webhooks.js';
import type { SmallDisk } from './disk.js';
import { accountDeliveries, startPublishers } from './publisher.js';

type Ready = { status: string; checks: Record<string, { status: string; detail?: string }> };
async function ready(url: string): Promise<{ code: number; body: Ready }> {
  const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(10_000) });
  return { code: res.status, body: (await res.json()) as Ready };
}

export async function diskFullScenario(opts: {
  label: string;
  disk: Pick<SmallDisk, 'fill' | 'unfill'>;
  /** The daemon's store settings (data directory, admin socket, DATABASE_URL). */
  env: Record<string, string>;
  /**
   * The engine can still commit a small row (a key) while larger writes fail: a page with
   * room left and a WAL segment already allocated need no new space. Such a commit is
   * durable, so `keys create` may succeed; the test then checks the key is really there.
   * Both engines may: seen on PGlite as well as on PostgreSQL.
   */
  smallWritesMayCommit?: boolean;
}): Promise<void> {
  const rx = await startReceiver();
  const key = generateKey(cryptoRandom);
  const env = {
    ...opts.env,
    KGC_SUPPORT_PUBLISH_KEY: key,
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    KGC_SUPPORT_PORT: '0',
    ...fastEnv(rx.url),
  };
  let d: Daemon | undefined;
  try {
    const dm = await startDaemon({
      config: loadConfig(env),
      logger: silentLogger as never,
      demo: true,
    });
    d = dm;
    const load = startPublishers(() => dm.url, key, { workers: 4, prefix: 'full' });
    let cli: { code: number; out: string; err: string } | undefined;
    let recovery = 0;
    let writesBack = 0;
    let fullFor = 0;
    try {
      await until(() => load.acked.size >= 30, 60_000, 'the first acknowledged events');
      opts.disk.fill();
      const filledAt = Date.now();
      await until(
        () => (load.codes.get('storage_full') ?? 0) > 0,
        60_000,
        'a publisher to get 507 storage_full',
      );
      const r = await ready(dm.url);
      expect(r.code).toBe(503);
      expect(r.body.checks.store_writes?.status).toBe('fail');
      expect(r.body.checks.store_writes?.detail).toMatch(/disk full|No space left/);
      const io = recordingIO(env);
      const code = await main(
        [
          'node',
          'kgc-support',
          'keys',
          'create',
          '--name',
          'during-full',
          '--scope',
          'support:read',
        ],
        io,
      );
      cli = { code, out: io.out, err: io.err };
      // Publishing goes on being refused for a moment, then space returns.
      const refused = load.codes.get('storage_full') ?? 0;
      await until(
        () => (load.codes.get('storage_full') ?? 0) >= refused + 10,
        30_000,
        'more refusals while full',
      );
      opts.disk.unfill();
      fullFor = Date.now() - filledAt;
      const t0 = Date.now();
      const ackedThen = load.acked.size;
      await until(() => load.acked.size > ackedThen, 60_000, 'publishing to resume');
      writesBack = Date.now() - t0;
      await until(() => load.acked.size >= ackedThen + 30, 60_000, 'publishing to go on');
      await until(async () => (await ready(dm.url)).code === 200, 60_000, '/ready again');
      recovery = Date.now() - t0;
    } finally {
      await load.stop();
    }
    try {
      if (cli?.code === 0 && opts.smallWritesMayCommit) {
        const { rows: keys } = await dm.ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM kgc_support.api_keys WHERE name = 'during-full'`,
        );
        expect(keys[0]?.n, 'keys create said ✔ while the disk was full: the key must exist').toBe(
          1,
        );
      } else {
        expect(cli?.code).not.toBe(0);
        expect(cli?.err).toMatch(/storage_full|disk is full|disk full/i);
        expect(cli?.err).not.toMatch(/internal/);
      }
      const acked = [...load.acked];
      const { got, lost, dup } = await accountDeliveries(acked, rx, 90_000);
      const { rows } = await dm.ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM kgc_support.events WHERE id = ANY($1)`,
        [acked],
      );
      console.log(
        `[faults] ${opts.label}: disk full for ${fullFor} ms: acknowledged ${acked.length}, stored ${rows[0]?.n}, ` +
          `delivered ${got.size}, lost ${lost.length}, duplicate ids ${dup.ids} (+${dup.extra}), ` +
          `answers ${JSON.stringify(Object.fromEntries(load.statuses))}, codes ${JSON.stringify(Object.fromEntries(load.codes))}, ` +
          `first write acknowledged ${writesBack} ms and /ready passing ${recovery} ms after space returned`,
      );
      expect(load.unexpected).toEqual([]);
      expect(load.statuses.get('500') ?? 0).toBe(0);
      expect(lost).toEqual([]);
      expect(rows[0]?.n).toBe(acked.length);
      expect(dup.extra).toBeLessThanOrEqual(12);
    } finally {
      await dm.close();
    }
  } finally {
    await d?.close();
    await rx.stop();
  }
}
