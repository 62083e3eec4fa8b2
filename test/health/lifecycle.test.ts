/**
 * The plugin lifecycle in a real daemon (seed 3.2), with a stand-in Support taken down
 * and brought back on the same port: ACTIVE at start, HEALTHY after the first periodic
 * check, DOWN when it goes away (one warning; the ERP side keeps working, events wait
 * instead of burning retries), HEALTHY when it is back; each change logged once.
 * DISABLED while the module is off, DEGRADED when a part beside the chatbot fails;
 * /api/support/health and /metrics tell the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { getEvent, publishEvent } from '../../src/events/events.service.js';
import { createKey } from '../../src/keys/keys.service.js';
import { runCli } from '../helpers/cli.js';
import { chatwootBody, HEALTHY, standIn, type StandIn } from '../helpers/health.js';
import { createDatabase } from '../helpers/pg.js';
import { until } from '../helpers/receiver.js';
import { fastEnv, SAMPLES } from '../helpers/webhooks.js';

interface LogLine {
  level: number;
  msg: string;
  component?: string;
  state?: string;
  previous?: string;
}

describe("the Support module's lifecycle in the daemon", () => {
  let support: StandIn;
  let context: StandIn;
  let chatwoot: StandIn;
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let dataDir: string;
  let daemon: Daemon;
  let env: Record<string, string>;
  let publishKey = '';
  let readKey = '';
  const logs: LogLine[] = [];
  const transitions = () =>
    logs
      .filter((l) => l.component === 'support-health' && l.state && l.level >= 30)
      .map((l) => l.state);
  const state = () => daemon.support.view().state;
  /** Resolves once the monitor's own timer has run `n` more checks (each sets checked_at). */
  const periodicChecks = async (n: number) => {
    const seen = new Set([daemon.support.view().checked_at]);
    await until(
      () => {
        seen.add(daemon.support.view().checked_at);
        return seen.size > n;
      },
      20_000,
      `${n} periodic health checks`,
    );
  };
  const api = (path: string, key?: string) =>
    fetch(`${daemon.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

  beforeAll(async () => {
    support = await standIn((path) => (path.startsWith('/webhook/') ? { status: 204 } : HEALTHY));
    context = await standIn();
    chatwoot = await standIn(() => ({ status: 200, body: chatwootBody() }));
    db = await createDatabase('kgc_lifecycle');
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-lifecycle-'));
    env = {
      KGC_SUPPORT_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      KGC_SUPPORT_PORT: '0',
      ...fastEnv(support.url),
      SUPPORT_CONTEXT_URL: context.url,
      CHATWOOT_URL: chatwoot.url,
      // Checks every 200 ms; each may take 3 s: in a full run on two saturated cores a stand-in's
      // answer took over 500 ms and a healthy Support read as DOWN. A refused one fails at once.
      KGC_SUPPORT_HEALTH_INTERVAL: '200ms',
      KGC_SUPPORT_HEALTH_TIMEOUT: '3s',
      // The breaker's own probe is slow here, so held deliveries resume only because the
      // daemon's health check found Support up again (what the DOWN → HEALTHY case checks).
      KGC_SUPPORT_WEBHOOK_PROBE_INTERVAL: '1h',
    };
    const logger = pino(
      { level: 'debug' },
      {
        write: (line: string) => {
          logs.push(JSON.parse(line) as LogLine);
        },
      },
    );
    daemon = await startDaemon({ config: loadConfig(env), logger });
    publishKey = (await createKey(daemon.ctx, { name: 'erp', scopes: ['erp:publish'] })).api_key;
    readKey = (await createKey(daemon.ctx, { name: 'koko', scopes: ['support:read'] })).api_key;
  });

  afterAll(async () => {
    await daemon?.close();
    for (const s of [support, context, chatwoot]) await s?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('ACTIVE at start, HEALTHY after the first periodic check', async () => {
    await until(() => state() === 'ACTIVE' || state() === 'HEALTHY', 20_000, 'discovery');
    await until(() => state() === 'HEALTHY', 20_000, 'the first periodic check');
    expect(transitions()).toEqual(['ACTIVE', 'HEALTHY']);
    const view = daemon.support.view();
    expect(view.components.map((c) => [c.component, c.status])).toEqual([
      ['support-chatbot', 'pass'],
      ['support-context', 'pass'],
      ['chatwoot', 'pass'],
    ]);
    expect(view.next_check_at).not.toBeNull();
  });

  it('/api/support/health answers any valid key with the state and the facts; no key, 401', async () => {
    expect((await api('/api/support/health')).status).toBe(401);
    for (const key of [publishKey, readKey]) {
      const res = await api('/api/support/health', key);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        lifecycle: { state: string; deliveries_held: boolean };
        facts: { module_enabled: boolean; events: { dead: number }; webhook_secret: unknown };
      };
      expect(body.lifecycle).toMatchObject({ state: 'HEALTHY', deliveries_held: false });
      expect(body.facts).toMatchObject({ module_enabled: true, events: { dead: 0 } });
      expect(body.facts.webhook_secret).not.toBeNull();
    }
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/^kgc_support_plugin_state\{state="HEALTHY"\} 1$/m);
    expect(metrics).toMatch(/^kgc_support_plugin_state\{state="DOWN"\} 0$/m);
    expect(metrics).toMatch(/^kgc_support_support_last_check_seconds \d{10}/m);
  });

  it('DOWN when Support goes away: one warning, deliveries held, the ERP side keeps answering; HEALTHY when it is back', async () => {
    const port = support.port;
    await support.close();
    await until(() => state() === 'DOWN', 20_000, 'DOWN');
    await until(() => daemon.dispatcher.held, 2_000, 'deliveries to be held');
    // A few more periodic checks find it down again: no new log line.
    await periodicChecks(3);
    expect(transitions()).toEqual(['ACTIVE', 'HEALTHY', 'DOWN']);
    const down = logs.filter((l) => l.component === 'support-health' && l.state === 'DOWN');
    expect(down).toHaveLength(1);
    expect(down[0]?.level).toBe(40);
    expect(down[0]?.msg).toContain('the ERP keeps working');
    // The ERP publishes meanwhile: accepted at once, waiting, not burning its retries.
    const ev = await publishEvent(daemon.ctx, {
      event: 'order.arrived',
      data: SAMPLES['order.arrived'],
    });
    expect(ev.event.status).toBe('pending');
    const res = await api('/api/support/health', publishKey);
    expect(
      ((await res.json()) as { lifecycle: { state: string; deliveries_held: boolean } }).lifecycle,
    ).toMatchObject({ state: 'DOWN', deliveries_held: true });

    support = await standIn(
      (path) => (path.startsWith('/webhook/') ? { status: 204 } : HEALTHY),
      port,
    );
    await until(() => state() === 'HEALTHY', 20_000, 'HEALTHY again');
    expect(daemon.dispatcher.held).toBe(false);
    await until(
      async () => (await getEvent(daemon.ctx, ev.event.id)).status === 'delivered',
      20_000,
      'the waiting event to be delivered',
    );
    expect((await getEvent(daemon.ctx, ev.event.id)).failures).toBe(0);
    expect(transitions()).toEqual(['ACTIVE', 'HEALTHY', 'DOWN', 'HEALTHY']);
  });

  it('DISABLED while the module is off (the health endpoint still answers), DISCOVERY → ACTIVE when it is on again', async () => {
    const cliEnv = { PATH: process.env.PATH, ...env };
    expect((await runCli(['disable'], cliEnv)).code).toBe(0);
    expect(state()).toBe('DISABLED');
    expect((await api('/api/customers/by-phone/%2B36301234567', readKey)).status).toBe(503);
    const res = await api('/api/support/health', readKey);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { lifecycle: { state: string } }).lifecycle.state).toBe(
      'DISABLED',
    );
    // Switched off, nothing is scheduled, and a check asked for now does not look either.
    expect(daemon.support.view().next_check_at).toBeNull();
    expect((await daemon.support.checkNow()).state).toBe('DISABLED');
    expect(state()).toBe('DISABLED');
    expect((await runCli(['enable'], cliEnv)).code).toBe(0);
    await until(
      () => state() === 'ACTIVE' || state() === 'HEALTHY',
      20_000,
      'discovery after enable',
    );
    expect(transitions()).toEqual(['ACTIVE', 'HEALTHY', 'DOWN', 'HEALTHY', 'DISABLED', 'ACTIVE']);
    await until(() => state() === 'HEALTHY', 20_000, 'HEALTHY after enable');
  });

  it("DEGRADED while the chatbot answers but Chatwoot's Redis fails; `health` shows the daemon's view", async () => {
    chatwoot.answer = () => ({ status: 200, body: chatwootBody('ok', 'failing') });
    await until(() => state() === 'DEGRADED', 20_000, 'DEGRADED');
    expect(daemon.support.view().detail).toContain('queue_services failing');
    expect(daemon.dispatcher.held).toBe(false);
    const r = await runCli(['health', '--json', '--timeout', '1s'], {
      PATH: process.env.PATH,
      ...env,
    });
    const j = r.json<{ checks: Record<string, { status: string; observedValue?: unknown }[]> }>();
    expect(j.checks['support-module:state']?.[0]).toMatchObject({
      status: 'warn',
      observedValue: 'DEGRADED',
    });
    chatwoot.answer = () => ({ status: 200, body: chatwootBody() });
    await until(() => state() === 'HEALTHY', 20_000, 'HEALTHY');
    expect(transitions().slice(-3)).toEqual(['HEALTHY', 'DEGRADED', 'HEALTHY']);
  });
});
