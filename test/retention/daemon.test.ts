/**
 * The retention job runs by itself in the daemon and shows in /ready; `retention show`
 * and `retention prune` answer through the running daemon's admin socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runCli } from '../helpers/cli.js';
import { pollFor } from '../helpers/docker.js';

describe('the retention job in the daemon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-retention-'));
  const env = { KGC_SUPPORT_DATA_DIR: dir, KGC_SUPPORT_PORT: '0', NO_COLOR: '1' };
  let daemon: Daemon;
  beforeAll(async () => {
    daemon = await startDaemon({ config: loadConfig(env), logger: silentLogger as never });
  });
  afterAll(async () => {
    await daemon?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes what is past its period by itself, and /ready says so', async () => {
    await daemon.ctx.db.query(
      `INSERT INTO kgc_support.events (id, type, occurred_at, data, body, source, status, created_at)
       VALUES ('ancient', 'order.arrived', now() - interval '40 days', '{}', '{}', 'api', 'delivered', now() - interval '40 days')`,
    );
    const check = await pollFor(
      "the retention job's first run (5 s after the start)",
      60_000,
      async () => {
        const ready = (await (await fetch(`${daemon.url}/ready`)).json()) as {
          checks: Record<string, { status: string; detail: string }>;
        };
        const r = ready.checks.retention;
        return r?.detail.includes('last run') ? r : undefined;
      },
      200,
    );
    expect(check.status).toBe('pass');
    const { rows } = await daemon.ctx.db.query(
      `SELECT 1 FROM kgc_support.events WHERE id = 'ancient'`,
    );
    expect(rows).toEqual([]);
  });

  it('retention show and prune answer through the daemon', async () => {
    const shown = await runCli(['retention', 'show'], env);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('delivered_events');
    expect(shown.out).toContain('KGC_SUPPORT_AUDIT_RETENTION');
    expect(shown.out).toMatch(/Pruned every 1h by the daemon; last run \d{4}-/);
    const pruned = await runCli(['retention', 'prune', '--json'], env);
    expect(pruned.code, pruned.err).toBe(0);
    expect(pruned.json<{ ok: boolean }>().ok).toBe(true);
  });
});
