/** Waiting for health: a verdict per look at a container, final on unhealthy, exit or a crash loop, bounded by a timeout or a stop. */
import { describe, expect, it } from 'vitest';
import type { ServiceContainer } from '../../src/docker/engine.js';
import { verdictOf, waitFor } from '../../src/docker/wait.js';

const c = (over: Partial<ServiceContainer>): ServiceContainer => ({
  id: 'abc',
  name: 'kgc-a_support-chatbot_1',
  project: 'kgc-a',
  service: 'support-chatbot',
  state: 'running',
  health: 'starting',
  startedAt: undefined,
  exitCode: undefined,
  restartCount: 0,
  image: 'x',
  healthOutput: undefined,
  ...over,
});

describe('health verdicts', () => {
  it('judges one look', () => {
    expect(verdictOf(undefined).kind).toBe('waiting');
    expect(verdictOf(c({ health: 'starting' })).kind).toBe('waiting');
    expect(verdictOf(c({ health: 'healthy' })).kind).toBe('ready');
    expect(verdictOf(c({ health: 'none' })).kind).toBe('ready');
    expect(verdictOf(c({ health: 'unhealthy', healthOutput: 'wget: connection refused' }))).toEqual(
      { kind: 'failed', detail: 'unhealthy: wget: connection refused' },
    );
    expect(verdictOf(c({ state: 'exited', exitCode: 3 }))).toEqual({
      kind: 'failed',
      detail: 'exited with code 3',
    });
  });

  it('calls a crash loop final at once: restarting, or running again after restarts without being healthy', () => {
    expect(verdictOf(c({ state: 'restarting', restartCount: 2, exitCode: 1 }))).toEqual({
      kind: 'failed',
      detail: 'crash loop: restarting after exit code 1',
    });
    expect(verdictOf(c({ restartCount: 3, health: 'starting' }))).toEqual({
      kind: 'failed',
      detail: 'crash loop: restarted 3 time(s) and not healthy',
    });
    expect(verdictOf(c({ restartCount: 3, health: 'healthy' })).kind).toBe('ready');
  });

  it('stops when told to, with the reason and what it saw last', async () => {
    const stop = new AbortController();
    let looks = 0;
    const v = await waitFor(
      async () => {
        if (++looks === 2) stop.abort('stopped waiting: kgc-support failed');
        return c({});
      },
      { timeoutMs: 60_000, sleep: async () => {}, signal: stop.signal },
    );
    expect(v).toEqual({
      kind: 'failed',
      detail: 'stopped waiting: kgc-support failed (starting, health check pending)',
    });
    expect(looks).toBe(2);
  });

  it('waits through starting until healthy, reporting each change once', async () => {
    const looks = [undefined, c({}), c({}), c({ health: 'healthy' })];
    const seen: string[] = [];
    const v = await waitFor(async () => looks.shift(), {
      timeoutMs: 10_000,
      sleep: async () => {},
      onChange: (x) => seen.push(x.detail),
    });
    expect(v.kind).toBe('ready');
    expect(seen).toEqual(['no container yet', 'starting, health check pending', 'healthy']);
  });

  it('gives up at the timeout with what it saw last', async () => {
    let now = 0;
    const v = await waitFor(async () => c({}), {
      timeoutMs: 5_000,
      intervalMs: 1_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    expect(v).toEqual({
      kind: 'failed',
      detail: 'not healthy after 5s (starting, health check pending)',
    });
  });
});
