/**
 * The module switch across daemons on one PostgreSQL: `disable` through one daemon's
 * admin path reaches the other's dispatcher within a second (NOTIFY), events published
 * meanwhile are skipped by both and never sent, and `enable` brings sending back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { publishEvent } from '../../src/events/events.service.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { fastEnv, SAMPLES } from '../helpers/webhooks.js';

describe('the module switch with two daemons on one PostgreSQL', () => {
  let rx: TestReceiver;
  let db: Awaited<ReturnType<typeof createDatabase>>;
  const daemons: Daemon[] = [];
  const dirs: string[] = [];
  let envA: Record<string, string>;

  beforeAll(async () => {
    rx = await startReceiver();
    db = await createDatabase('kgc_switch');
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'kgc-switch-'));
      dirs.push(dir);
      const env = {
        KGC_SUPPORT_DATA_DIR: dir,
        KGC_SUPPORT_LOG_LEVEL: 'silent',
        KGC_SUPPORT_PORT: '0',
        DATABASE_URL: db.url,
        ...fastEnv(rx.url, { KGC_SUPPORT_WEBHOOK_POLL: '60s' }),
      };
      if (i === 0) envA = env;
      daemons.push(await startDaemon({ config: loadConfig(env) }));
    }
  });
  afterAll(async () => {
    for (const d of daemons) await d.close();
    await db?.drop();
    await rx?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('disable via daemon A reaches daemon B within a second; nothing is sent, not later either; enable resumes', async () => {
    const [a, b] = daemons as [Daemon, Daemon];
    expect(await main(['node', 'kgc-support', 'disable'], recordingIO(envA))).toBe(0);
    expect(a.moduleEnabled()).toBe(false);
    const t0 = Date.now();
    await until(() => !b.moduleEnabled(), 1_000, 'daemon B to hear the switch');
    const heardAfter = Date.now() - t0;
    expect(heardAfter).toBeLessThan(1_000);
    const skipped = await publishEvent(b.ctx, {
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    expect(skipped.event.status).toBe('skipped');
    expect(await main(['node', 'kgc-support', 'enable'], recordingIO(envA))).toBe(0);
    await until(() => b.moduleEnabled(), 1_000, 'daemon B to hear enable');
    const sent = await publishEvent(b.ctx, {
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    await rx.waitFor(1, 20_000);
    // Both dispatchers looked for work and found none left: a skipped event that were
    // wrongly due would be sent before this resolves.
    await Promise.all([a.dispatcher.waitIdle(), b.dispatcher.waitIdle()]);
    expect(rx.deliveries.map((r) => r.headers['webhook-id'])).toEqual([sent.event.id]);
  });
});
