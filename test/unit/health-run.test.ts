/**
 * One round of checks with probes that misbehave on purpose: a probe that ignores its
 * own time limit is cut off by the round's guard, the round's deadline bounds the whole,
 * a probe that throws is reported with its message, and every probe gets the abort.
 */
import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/config/threshold.js';
import { systemClock } from '../../src/context/clock.js';
import type { HttpOutcome } from '../../src/health/probes/http.js';
import { runRound, type HealthJobs } from '../../src/health/run.js';
import type { HealthTargets } from '../../src/health/targets.js';

const targets: HealthTargets = {
  label: 'test',
  daemonUrl: 'http://d',
  chatbotUrl: 'http://c',
  contextUrl: 'http://x',
  chatwootUrl: 'http://w',
  redisUrl: undefined,
  databaseUrl: undefined,
  storeLabel: 'the store',
  franchise: undefined,
};
const thresholds = {
  dlq: parseThreshold('1,100', 'count', 'above', 'x'),
  pendingAge: parseThreshold('15m,1h', 'duration', 'above', 'x'),
  keyExpiry: parseThreshold('14d,3d', 'duration', 'below', 'x'),
  secretAge: parseThreshold('180d', 'duration', 'above', 'x'),
};
const ok200: HttpOutcome = {
  kind: 'answer',
  status: 200,
  ms: 1,
  body: '{"status":"pass","checks":{"store":{"status":"pass","latency_ms":1}}}',
  contentType: 'application/json',
};

function jobs(over: Partial<HealthJobs>, aborted: string[] = []): HealthJobs {
  const answer = async () => ok200;
  // Never settles and ignores its limit; notes the abort it gets.
  const stuck = (name: string) => (signal: AbortSignal) =>
    new Promise<never>(() => {
      signal.addEventListener('abort', () => aborted.push(name));
    });
  return {
    daemonHealth: answer,
    daemonReady: answer,
    chatbot: stuck('chatbot'),
    context: answer,
    chatwoot: { unset: 'CHATWOOT_URL is not set' },
    redis: { unset: 'REDIS_URL is not set' },
    database: { unset: 'DATABASE_URL is not set' },
    containers: undefined,
    facts: async () => {
      throw new Error('the daemon refused');
    },
    ...over,
  };
}

describe('a round of health checks', () => {
  it("cuts off a probe that ignores its limit, keeps the others' answers, aborts what is left", async () => {
    const aborted: string[] = [];
    const t0 = performance.now();
    // The round's deadline far away (5 s): ending well before it means the probe's own 0.2 s limit cut it off.
    const r = await runRound(jobs({}, aborted), {
      targets,
      thresholds,
      timeoutMs: 200,
      deadlineMs: 5_000,
      clock: systemClock,
    });
    expect(performance.now() - t0).toBeLessThan(2_500);
    const by = Object.fromEntries(r.checks.map((c) => [`${c.component}:${c.measurement}`, c]));
    expect(by['support-chatbot:responseTime']).toMatchObject({
      status: 'fail',
      output: 'http://c/health no answer within 0.2 s',
    });
    expect(by['daemon:responseTime']?.status).toBe('pass');
    expect(by['database:responseTime']?.status).toBe('pass');
    expect(by['chatwoot:responseTime']).toMatchObject({
      status: 'warn',
      output: 'not checked: CHATWOOT_URL is not set',
    });
    expect(by['support-module:state']).toMatchObject({
      status: 'unknown',
      output: 'the daemon refused',
    });
    expect(r.status).toBe('fail');
    expect(aborted).toEqual(['chatbot']);
  });

  it("ends at the round's deadline whatever the probes do", async () => {
    const t0 = performance.now();
    const r = await runRound(jobs({ daemonHealth: () => new Promise(() => {}) }), {
      targets,
      thresholds,
      timeoutMs: 5_000,
      deadlineMs: 300,
      clock: systemClock,
    });
    expect(performance.now() - t0).toBeLessThan(2_500); // half the 5 s limit: room for a busy machine
    const by = Object.fromEntries(r.checks.map((c) => [`${c.component}:${c.measurement}`, c]));
    expect(by['daemon:responseTime']).toMatchObject({
      status: 'fail',
      output: 'http://d/health no answer within 0.3 s',
    });
    expect(by['support-context:responseTime']?.status).toBe('pass');
  });

  it('stops at once when the caller aborts (Ctrl-C in --watch)', async () => {
    const aborted: string[] = [];
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = performance.now();
    const stopping = runRound(
      jobs({
        chatbot: (signal) =>
          new Promise((resolve) =>
            signal.addEventListener('abort', () => {
              aborted.push('chatbot');
              resolve({ kind: 'error', ms: 0, error: 'aborted', timedOut: false });
            }),
          ),
      }),
      { targets, thresholds, timeoutMs: 5_000, clock: systemClock, signal: ac.signal },
    );
    await stopping;
    expect(performance.now() - t0).toBeLessThan(2_500); // half the 5 s limit: room for a busy machine
    expect(aborted).toEqual(['chatbot']);
  });
});
