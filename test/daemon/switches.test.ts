/**
 * The switches of a running daemon, on both stores, through the CLI's real door (the
 * admin socket): booking switched off alone answers 503 while reads go on, reaches the
 * daemon without a restart and survives one; and SUPPORT_MODULE_ENABLED disagreeing
 * with the stored switch is logged at start, shown on /ready and in the state the admin
 * page reads, with the rule that decides (the environment is applied only at a start
 * where its value changed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOp } from '../../src/admin/execute.js';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { manualClock } from '../../src/context/clock.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import type { AnyOp } from '../../src/ops/op.js';
import { pluginStatus } from '../../src/plugin/plugin.ops.js';
import type { PluginState } from '../../src/plugin/plugin.schema.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';
import { STORE_KINDS } from '../helpers/store.js';

// Monday 2030-01-07 in Budapest, booked on 2 January (the daemon's clock).
const NOW = Date.parse('2030-01-02T10:00:00Z');
const slot = (hhmm: string) => `2030-01-07T${hhmm}:00+01:00`;

interface LogLine {
  level: number;
  msg: string;
}

describe.each(STORE_KINDS)('the switches of a running daemon on %s', (kind) => {
  let dir = '';
  let db: TestDatabase | undefined;
  let daemon: Daemon | undefined;
  let key = '';
  let logs: LogLine[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    KGC_SUPPORT_DATA_DIR: dir,
    KGC_SUPPORT_LOG_LEVEL: 'info',
    KGC_SUPPORT_PORT: '0',
    KGC_SUPPORT_TIMEZONE: 'Europe/Budapest',
    ...(db ? { DATABASE_URL: db.url } : {}),
    ...extra,
  });

  /** (Re)starts the daemon on the same store, its log kept in `logs`. */
  async function start(extra: Record<string, string> = {}, demo = false): Promise<Daemon> {
    await daemon?.close();
    logs = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
    );
    daemon = await startDaemon({
      config: loadConfig(env(extra)),
      logger,
      clock: manualClock(NOW),
      demo,
      onDemoKey: (k) => {
        key = k;
      },
    });
    return daemon;
  }
  async function cli(args: string[], extra: Record<string, string> = {}) {
    const io = recordingIO(env(extra));
    const code = await main(['node', 'kgc-support', ...args, '--json'], io);
    return { code, state: JSON.parse(io.out || '{}') as PluginState, err: io.err };
  }
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${daemon?.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
  const book = (hhmm: string) =>
    api('/api/service/appointments', {
      method: 'POST',
      body: JSON.stringify({ location_id: 'BP-01', slot_start: slot(hhmm), customer_id: 'C-456' }),
    });
  const ready = async () =>
    (await (await fetch(`${daemon?.url}/ready`)).json()) as {
      checks: Record<string, { status: string; detail?: string }>;
    };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `kgc-switches-${kind}-`));
    if (kind === 'postgres') db = await createDatabase('kgc_switches');
    await start({}, true);
  }, 120_000);
  afterAll(async () => {
    await daemon?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('disable booking: POST answers 503 capability_disabled at once, reads go on, the module stays on', async () => {
    const r = await cli(['disable', 'booking']);
    expect(r.code, r.err).toBe(0);
    expect(r.state.capabilities.booking.enabled).toBe(false);
    expect(r.state.enabled).toBe(true);
    const refused = await book('09:00');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      code: 'capability_disabled',
      capability: 'booking',
    });
    expect((await api('/api/service/worklogs/M-2025-0123/status')).status).toBe(200);
    expect(daemon?.moduleEnabled()).toBe(true);
    expect((await ready()).checks.module_switch).toEqual({
      status: 'pass',
      detail: 'module on, booking off',
    });
  });

  it('stays off across a restart (stored durably), and enable booking books again', async () => {
    await start();
    expect((await book('09:00')).status).toBe(503);
    const r = await cli(['enable', 'booking']);
    expect(r.code, r.err).toBe(0);
    const made = await book('09:00');
    expect(made.status, await made.clone().text()).toBe(201);
    // The Location it answers is a route that serves the booking.
    const again = await api(made.headers.get('location') as string);
    const id = (b: unknown) => (b as { appointment_id: string }).appointment_id;
    expect([again.status, id(await again.json())]).toEqual([200, id(await made.json())]);
  });

  it('an unknown capability is a usage error that changes nothing', async () => {
    const r = await cli(['disable', 'bookings']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.err).error.message).toMatch(
      /unknown capability "bookings": the capabilities are booking/,
    );
    expect((await book('10:00')).status).toBe(201);
  });

  it('SUPPORT_MODULE_ENABLED=false against a module switched on at run time: the stored switch decides, logged at start, shown on /ready and to the admin page', async () => {
    await start({ SUPPORT_MODULE_ENABLED: 'false' });
    expect(daemon?.moduleEnabled(), 'a changed environment is applied at start').toBe(false);
    const on = await cli(['enable']);
    expect(on.code, on.err).toBe(0);
    expect(on.state.environment.agrees).toBe(false);
    // The CLI says so when the switch it set disagrees with the daemon's environment.
    expect(on.err).toMatch(/SUPPORT_MODULE_ENABLED=false, but the module is on/);

    await start({ SUPPORT_MODULE_ENABLED: 'false' });
    expect(daemon?.moduleEnabled(), 'an unchanged environment does not undo enable').toBe(true);
    const warned = logs.find((l) => l.level === 40 && /SUPPORT_MODULE_ENABLED/.test(l.msg));
    expect(warned?.msg).toMatch(
      /SUPPORT_MODULE_ENABLED=false, but the module is on \(switched by cli:.* at .*\): the environment is applied only at a start where its value changed, so the stored switch decides/,
    );
    const check = (await ready()).checks.module_switch;
    expect(check?.status).toBe('warn');
    expect(check?.detail).toMatch(/^module on; SUPPORT_MODULE_ENABLED=false, but the module is on/);
    const page = (await executeOp(
      { ...(daemon as Daemon).ctx, actor: 'admin-page:test' },
      pluginStatus as unknown as AnyOp,
      {},
    )) as PluginState;
    expect(page.environment).toMatchObject({ value: false, agrees: false });
  });

  it('a changed SUPPORT_MODULE_ENABLED is applied at the next start; then they agree', async () => {
    await start({ SUPPORT_MODULE_ENABLED: 'true' });
    expect(daemon?.moduleEnabled()).toBe(true);
    expect(logs.some((l) => l.level >= 40 && /SUPPORT_MODULE_ENABLED/.test(l.msg))).toBe(false);
    expect((await ready()).checks.module_switch).toEqual({ status: 'pass', detail: 'module on' });
  });
});
