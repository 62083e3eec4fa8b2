/**
 * The checks are pure functions of what the probes saw: each outcome gives the status a
 * support engineer expects, and the lifecycle judges Support with the same rules.
 */
import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/config/threshold.js';
import { containerChecks } from '../../src/health/checks/containers.js';
import { factsChecks, type DaemonFacts, type Thresholds } from '../../src/health/checks/facts.js';
import {
  chatwootCheck,
  daemonReadyCheck,
  redisCheck,
  serviceCheck,
} from '../../src/health/checks/services.js';
import { discoveryState, judgeSupport } from '../../src/health/lifecycle.js';
import type { HttpOutcome } from '../../src/health/probes/http.js';
import { respCommand } from '../../src/health/probes/redis.js';
import { ok } from '../../src/health/probed.js';
import type { ServiceContainer } from '../../src/docker/engine.js';

const AT = Date.parse('2026-01-05T09:00:00Z');
const D = 86_400_000;
const answer = (status: number, body = '', ms = 5): HttpOutcome => ({
  kind: 'answer',
  status,
  ms,
  body,
  contentType: 'application/json',
});
const refused: HttpOutcome = { kind: 'error', ms: 1, error: 'connection refused', timedOut: false };
const target = {
  component: 'support-chatbot',
  label: 'support_chatbot',
  url: 'http://127.0.0.1:5001/health',
  hint: 'h',
};
const chatwoot = (data: string, queue: string) =>
  answer(
    200,
    JSON.stringify({
      version: '4.0.4',
      timestamp: 'x',
      queue_services: queue,
      data_services: data,
    }),
  );

describe('service checks', () => {
  it('2xx passes, another answer below 500 warns, 5xx and no answer fail; a timeout says so', () => {
    expect(serviceCheck(target, ok(answer(200), AT))).toMatchObject({
      status: 'pass',
      observedValue: 5,
      observedUnit: 'ms',
      perf: { label: 'support_chatbot', value: 5, uom: 'ms' },
    });
    expect(serviceCheck(target, ok(answer(404), AT)).status).toBe('warn');
    expect(serviceCheck(target, ok(answer(500), AT))).toMatchObject({
      status: 'fail',
      output: 'http://127.0.0.1:5001/health answers 500 in 5 ms',
      hint: 'h',
    });
    expect(serviceCheck(target, ok(refused, AT))).toMatchObject({
      status: 'fail',
      output: 'http://127.0.0.1:5001/health connection refused',
      observedValue: null,
    });
    expect(serviceCheck(target, { kind: 'timeout', timeoutMs: 1500, at: AT })).toMatchObject({
      status: 'fail',
      output: 'http://127.0.0.1:5001/health no answer within 1.5 s',
    });
    expect(
      serviceCheck(target, { kind: 'unset', why: 'SUPPORT_API_URL is not set', at: AT }),
    ).toMatchObject({ status: 'warn', output: 'not checked: SUPPORT_API_URL is not set' });
  });

  it('Chatwoot: a 200 is not enough, its body must say data_services and queue_services ok', () => {
    const t = { ...target, component: 'chatwoot', label: 'chatwoot', url: 'http://cw/api' };
    expect(chatwootCheck(t, ok(chatwoot('ok', 'ok'), AT))).toMatchObject({ status: 'pass' });
    expect(chatwootCheck(t, ok(chatwoot('ok', 'ok'), AT)).output).toContain('Chatwoot 4.0.4');
    const data = chatwootCheck(t, ok(chatwoot('failing', 'ok'), AT));
    expect(data.status).toBe('fail');
    expect(data.output).toContain('data_services failing (its PostgreSQL)');
    expect(chatwootCheck(t, ok(chatwoot('ok', 'failing'), AT)).output).toContain(
      'queue_services failing (its Redis)',
    );
    expect(chatwootCheck(t, ok(answer(200, '<html>'), AT)).status).toBe('warn');
    expect(chatwootCheck(t, ok(answer(502), AT)).status).toBe('fail');
  });

  it("the daemon's /ready names what failed", () => {
    const r = daemonReadyCheck(
      'http://d/ready',
      ok(
        answer(
          503,
          JSON.stringify({
            status: 'fail',
            checks: { store: { status: 'fail', detail: 'no answer within 2000 ms' } },
          }),
        ),
        AT,
      ),
      'h',
    );
    expect(r).toMatchObject({
      status: 'fail',
      output: 'http://d/ready answers 503: store: no answer within 2000 ms',
    });
    expect(
      daemonReadyCheck(
        'http://d/ready',
        ok(answer(200, '{"status":"pass","checks":{"store":{"status":"pass"}}}'), AT),
        'h',
      ).status,
    ).toBe('pass');
  });

  it('Redis: PONG passes; NOAUTH fails and says where the password goes', () => {
    expect(
      redisCheck('redis://r:6379', ok({ kind: 'answer', ms: 1, reply: '+PONG' }, AT)).status,
    ).toBe('pass');
    const noauth = redisCheck(
      'redis://r:6379',
      ok({ kind: 'answer', ms: 1, reply: '-NOAUTH Authentication required.' }, AT),
    );
    expect(noauth).toMatchObject({
      status: 'fail',
      output: 'redis://r:6379 answered NOAUTH Authentication required.',
    });
    expect(noauth.hint).toContain('redis://:password@host:6379');
    expect(respCommand('AUTH', 'pässword')).toBe('*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n');
  });

  it('containers: healthy or without a healthcheck pass, starting warns, unhealthy, exited or missing fail', () => {
    const c = (
      service: string,
      state: string,
      health: ServiceContainer['health'],
    ): ServiceContainer => ({
      id: service,
      name: `kgc-x-${service}-1`,
      project: 'kgc-x',
      service,
      state,
      health,
      startedAt: undefined,
      exitCode: state === 'exited' ? 1 : undefined,
      restartCount: 0,
      oomKilled: false,
      image: 'i',
      healthOutput:
        health === 'unhealthy' ? 'wget: server returned error: HTTP/1.0 404 Not Found' : undefined,
    });
    const services = ['a', 'b', 'c', 'd', 'e', 'f'];
    const got = containerChecks(
      ok(
        {
          franchise: 'x',
          services,
          containers: [
            c('a', 'running', 'healthy'),
            c('b', 'running', 'none'),
            c('c', 'running', 'starting'),
            c('d', 'running', 'unhealthy'),
            c('e', 'exited', 'none'),
          ],
        },
        AT,
      ),
      'x',
    );
    expect(got.map((r) => [r.componentId, r.status, r.observedValue])).toEqual([
      ['a', 'pass', 'healthy'],
      ['b', 'pass', 'running'],
      ['c', 'warn', 'starting'],
      ['d', 'fail', 'unhealthy'],
      ['e', 'fail', 'exited'],
      ['f', 'fail', 'missing'],
    ]);
    expect(got[3]?.output).toContain('404 Not Found');
    expect(got[5]?.hint).toBe('Start the support services: kgc-support up --franchise x');
  });

  it("containers: an engine cut off by the round's guard is named as the engine's own timeout names it", () => {
    expect(
      containerChecks({ kind: 'timeout', timeoutMs: 1000, at: AT }, 'x').map((r) => [
        r.status,
        r.output,
      ]),
    ).toEqual([['fail', 'the Docker engine: no answer within 1 s']]);
    expect(
      containerChecks(
        { kind: 'error', error: 'cannot reach the Docker engine: connect ENOENT /x.sock', at: AT },
        'x',
      ).map((r) => [r.status, r.output]),
    ).toEqual([['fail', 'cannot reach the Docker engine: connect ENOENT /x.sock']]);
  });
});

describe('facts checks', () => {
  const thresholds: Thresholds = {
    dlq: parseThreshold('1,100', 'count', 'above', 'x'),
    pendingAge: parseThreshold('15m,1h', 'duration', 'above', 'x'),
    keyExpiry: parseThreshold('14d,3d', 'duration', 'below', 'x'),
    secretAge: parseThreshold('180d', 'duration', 'above', 'x'),
  };
  const facts = (
    over: Partial<DaemonFacts['facts']> = {},
    lifecycle: DaemonFacts['lifecycle'] = null,
  ): DaemonFacts => ({
    source: 'test',
    lifecycle,
    facts: {
      time: new Date(AT).toISOString(),
      module_enabled: true,
      key_expiry_window_s: 14 * 86_400,
      events: {
        pending: 0,
        in_flight: 0,
        dead: 0,
        rejected: 0,
        oldest_pending_at: null,
        oldest_pending_age_s: null,
      },
      keys_expiring: [],
      webhook_secret: {
        id: 'whs_1',
        source: 'env',
        created_at: new Date(AT - D).toISOString(),
        age_s: 86_400,
      },
      ...over,
    },
  });
  const byKey = (f: DaemonFacts) =>
    Object.fromEntries(
      factsChecks(ok(f, AT), thresholds, AT).map((r) => [`${r.component}:${r.measurement}`, r]),
    );

  it('all quiet passes, except that no daemon means nobody watches or delivers (unknown)', () => {
    const r = byKey(facts());
    expect(r['webhooks:dlqDepth']?.status).toBe('pass');
    expect(r['webhooks:oldestPendingAge']?.status).toBe('pass');
    expect(r['api-keys:expiring']?.status).toBe('pass');
    expect(r['webhook-secret:age']?.status).toBe('pass');
    expect(r['support-module:state']?.status).toBe('unknown');
    expect(r['webhooks:deliveries']?.status).toBe('unknown');
  });

  it('DLQ depth and the oldest pending event against their thresholds', () => {
    const events = (dead: number, rejected: number, age: number | null) => ({
      pending: age === null ? 0 : 4,
      in_flight: 0,
      dead,
      rejected,
      oldest_pending_at: null,
      oldest_pending_age_s: age,
    });
    expect(byKey(facts({ events: events(1, 0, null) }))['webhooks:dlqDepth']?.status).toBe('warn');
    expect(byKey(facts({ events: events(60, 40, null) }))['webhooks:dlqDepth']).toMatchObject({
      status: 'fail',
      observedValue: 100,
      perf: { label: 'dlq_depth', value: 100, warn: 1, crit: 100 },
    });
    expect(
      byKey(facts({ events: events(0, 0, 20 * 60) }))['webhooks:oldestPendingAge'],
    ).toMatchObject({
      status: 'warn',
      observedValue: 1200,
      perf: { uom: 's', warn: 900, crit: 3600 },
    });
    expect(
      byKey(facts({ events: events(0, 0, 2 * 3600) }))['webhooks:oldestPendingAge']?.status,
    ).toBe('fail');
  });

  it("a key expiring within 14 days warns, within 3 days is critical; the secret's age warns past 180 days", () => {
    const key = (days: number) => ({
      id: 'key_a',
      name: 'koko-chatbot',
      expires_at: new Date(AT + days * D).toISOString(),
    });
    const soon = byKey(facts({ keys_expiring: [key(10)] }))['api-keys:expiring'];
    expect(soon).toMatchObject({ status: 'warn', observedValue: 1 });
    expect(soon?.output).toContain('key_a (koko-chatbot), in 10 d');
    expect(soon?.hint).toContain('kgc-support keys rotate key_a');
    // An installer's key (secrets.env): the hint is the one command that also updates its consumer.
    const installer = byKey(
      facts({ keys_expiring: [{ ...key(10), name: 'erp (KGC_SUPPORT_PUBLISH_KEY)' }] }),
    )['api-keys:expiring'];
    expect(installer?.hint).toContain('kgc-support keys rotate erp --franchise <id>');
    expect(byKey(facts({ keys_expiring: [key(2), key(9)] }))['api-keys:expiring']).toMatchObject({
      status: 'fail',
      observedValue: 2,
    });
    expect(
      byKey(
        facts({
          webhook_secret: { id: 'whs_1', source: 'env', created_at: 'x', age_s: 200 * 86_400 },
        }),
      )['webhook-secret:age']?.status,
    ).toBe('warn');
    expect(byKey(facts({ webhook_secret: null }))['webhook-secret:age']?.status).toBe('warn');
  });

  it("the daemon's lifecycle: DOWN fails, DEGRADED and DISABLED warn; held deliveries warn (events wait, none lost)", () => {
    const view = (state: 'HEALTHY' | 'DOWN' | 'DEGRADED' | 'DISABLED', held = false) => ({
      state,
      since: new Date(AT).toISOString(),
      checked_at: new Date(AT).toISOString(),
      next_check_at: null,
      detail: 'd',
      deliveries_held: held,
      components: [],
    });
    expect(byKey(facts({}, view('HEALTHY')))['support-module:state']).toMatchObject({
      status: 'pass',
      observedValue: 'HEALTHY',
    });
    expect(byKey(facts({}, view('DOWN', true)))['support-module:state']?.status).toBe('fail');
    expect(byKey(facts({}, view('DOWN', true)))['webhooks:deliveries']).toMatchObject({
      status: 'warn',
      observedValue: 'held',
    });
    expect(byKey(facts({}, view('DEGRADED')))['support-module:state']?.status).toBe('warn');
    expect(
      byKey(facts({ module_enabled: false }, view('DISABLED')))['support-module:state']?.status,
    ).toBe('warn');
  });

  it('without facts, each check is unknown; the reason is said once', () => {
    const got = factsChecks(
      { kind: 'unset', why: 'no daemon holds /data', at: AT },
      thresholds,
      AT,
    );
    expect(got.map((r) => r.status)).toEqual(Array(6).fill('unknown'));
    expect(got[0]?.output).toBe('no daemon holds /data');
    expect(got.slice(1).every((r) => r.output === 'not known: see support-module:state')).toBe(
      true,
    );
  });
});

describe("the lifecycle's verdict on Support", () => {
  const urls = { chatbot: 'http://c', context: 'http://x', chatwoot: 'http://w' };
  const all = (chatbot: HttpOutcome, context: HttpOutcome, cw: HttpOutcome) =>
    new Map([
      ['support-chatbot', chatbot],
      ['support-context', context],
      ['chatwoot', cw],
    ]);

  it('HEALTHY when every part answers; DEGRADED when the chatbot answers but something else fails; DOWN when the chatbot does not', () => {
    expect(judgeSupport(all(answer(200), answer(200), chatwoot('ok', 'ok')), urls).state).toBe(
      'HEALTHY',
    );
    const degraded = judgeSupport(all(answer(200), answer(500), chatwoot('ok', 'failing')), urls);
    expect(degraded.state).toBe('DEGRADED');
    expect(degraded.detail).toContain('support-context');
    expect(degraded.detail).toContain('queue_services failing');
    const down = judgeSupport(all(refused, answer(200), chatwoot('ok', 'ok')), urls);
    expect(down).toMatchObject({ state: 'DOWN', unreachable: true });
    // Answering 5xx is DOWN too, but Support is reachable: deliveries are not held for it.
    expect(judgeSupport(all(answer(503), answer(200), chatwoot('ok', 'ok')), urls)).toMatchObject({
      state: 'DOWN',
      unreachable: false,
    });
  });

  it('discovery only asks whether Support is there; no SUPPORT_API_URL is DOWN', () => {
    expect(discoveryState(judgeSupport(all(answer(200), answer(500), refused), urls))).toBe(
      'ACTIVE',
    );
    expect(discoveryState(judgeSupport(all(refused, answer(200), answer(200)), urls))).toBe('DOWN');
    expect(
      judgeSupport(new Map(), { chatbot: undefined, context: undefined, chatwoot: undefined }),
    ).toMatchObject({ state: 'DOWN', detail: expect.stringContaining('SUPPORT_API_URL') });
    expect(
      judgeSupport(new Map([['support-chatbot', answer(200)]]), {
        chatbot: 'http://c',
        context: undefined,
        chatwoot: undefined,
      }).state,
    ).toBe('HEALTHY');
  });
});
