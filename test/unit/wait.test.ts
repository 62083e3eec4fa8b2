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
  oomKilled: false,
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
      detail: 'exited: exit code 3',
    });
  });

  it('waits through a restart or two (a kill, an OOM), names the cause', () => {
    expect(verdictOf(c({ state: 'restarting', restartCount: 1, exitCode: 137 }))).toEqual({
      kind: 'waiting',
      detail: 'restarting after killed (SIGKILL, exit code 137)',
    });
    expect(
      verdictOf(c({ state: 'restarting', restartCount: 2, exitCode: 137, oomKilled: true })),
    ).toEqual({ kind: 'waiting', detail: 'restarting after killed: out of memory' });
    expect(verdictOf(c({ restartCount: 2, health: 'starting' }))).toEqual({
      kind: 'waiting',
      detail: 'starting, health check pending (restarted 2 time(s))',
    });
  });

  it('calls a crash loop final: restarted 3 times without getting healthy', () => {
    expect(verdictOf(c({ state: 'restarting', restartCount: 3, exitCode: 1 }))).toEqual({
      kind: 'failed',
      detail: 'crash loop: restarted 3 time(s), last exit code 1',
    });
    expect(verdictOf(c({ restartCount: 3, health: 'starting' }))).toEqual({
      kind: 'failed',
      detail: 'crash loop: restarted 3 time(s) and not healthy',
    });
    expect(verdictOf(c({ restartCount: 3, health: 'healthy' })).kind).toBe('ready');
  });

  it('counts only the restarts since this up began: an old loop, since fixed, is not held against it', () => {
    expect(verdictOf(c({ restartCount: 14, health: 'starting' }), 14)).toEqual({
      kind: 'waiting',
      detail: 'starting, health check pending',
    });
    expect(verdictOf(c({ state: 'restarting', restartCount: 1, exitCode: 1 }), 0).kind).toBe(
      'waiting',
    );
    // Still looping: it had looped before this up, and restarted again since.
    expect(verdictOf(c({ state: 'restarting', restartCount: 15, exitCode: 1 }), 14)).toEqual({
      kind: 'failed',
      detail: 'crash loop: restarted 1 time(s) since this up began, last exit code 1',
    });
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
