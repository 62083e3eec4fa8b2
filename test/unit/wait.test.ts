/** Waiting for health: a verdict per look at a container, final on unhealthy or exit, bounded by a timeout. */
import { describe, expect, it } from 'vitest';
import type { ServiceContainer } from '../../src/docker/engine.js';
import { verdictOf, waitFor } from '../../src/docker/wait.js';

const c = (over: Partial<ServiceContainer>): ServiceContainer => ({
  id: 'abc', name: 'kgc-a_support-chatbot_1', project: 'kgc-a', service: 'support-chatbot', state: 'running', health: 'starting',
  startedAt: undefined, exitCode: undefined, restartCount: 0, image: 'x', healthOutput: undefined, ...over,
});

describe('health verdicts', () => {
  it('judges one look', () => {
    expect(verdictOf(undefined).kind).toBe('waiting');
    expect(verdictOf(c({ health: 'starting' })).kind).toBe('waiting');
    expect(verdictOf(c({ health: 'healthy' })).kind).toBe('ready');
    expect(verdictOf(c({ health: 'none' })).kind).toBe('ready');
    expect(verdictOf(c({ health: 'unhealthy', healthOutput: 'wget: connection refused' }))).toEqual({ kind: 'failed', detail: 'unhealthy: wget: connection refused' });
    expect(verdictOf(c({ state: 'exited', exitCode: 3 }))).toEqual({ kind: 'failed', detail: 'exited with code 3' });
    expect(verdictOf(c({ state: 'restarting', restartCount: 2 })).kind).toBe('waiting');
  });

  it('waits through starting until healthy, reporting each change once', async () => {
    const looks = [undefined, c({}), c({}), c({ health: 'healthy' })];
    const seen: string[] = [];
    const v = await waitFor(async () => looks.shift(), { timeoutMs: 10_000, sleep: async () => {}, onChange: (x) => seen.push(x.detail) });
    expect(v.kind).toBe('ready');
    expect(seen).toEqual(['no container yet', 'starting, health check pending', 'healthy']);
  });

  it('gives up at the timeout with what it saw last', async () => {
    let now = 0;
    const v = await waitFor(async () => c({}), { timeoutMs: 5_000, intervalMs: 1_000, now: () => now, sleep: async (ms) => { now += ms; } });
    expect(v).toEqual({ kind: 'failed', detail: 'not healthy after 5s (starting, health check pending)' });
  });
});
