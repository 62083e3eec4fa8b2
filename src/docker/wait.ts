/**
 * Waiting for a service to be healthy: a pure verdict on one look at its container, and
 * a loop that looks until the verdict is final, the time is up, or the caller stops it.
 * A crash loop is final at once: a container that is restarting, or that runs again
 * after restarts without being healthy, will not get healthy by waiting longer.
 */
import type { ServiceContainer } from './engine.js';

export type Verdict =
  | { readonly kind: 'ready'; readonly detail: string }
  | { readonly kind: 'waiting'; readonly detail: string }
  | { readonly kind: 'failed'; readonly detail: string };

export function verdictOf(c: ServiceContainer | undefined): Verdict {
  if (!c) return { kind: 'waiting', detail: 'no container yet' };
  if (c.state === 'running') {
    if (c.health === 'healthy') return { kind: 'ready', detail: 'healthy' };
    if (c.restartCount > 0)
      return {
        kind: 'failed',
        detail: `crash loop: restarted ${c.restartCount} time(s) and not healthy${c.healthOutput ? `: ${c.healthOutput.split('\n')[0]}` : ''}`,
      };
    if (c.health === 'none') return { kind: 'ready', detail: 'running (no healthcheck)' };
    if (c.health === 'unhealthy')
      return {
        kind: 'failed',
        detail: `unhealthy${c.healthOutput ? `: ${c.healthOutput.split('\n')[0]}` : ''}`,
      };
    return { kind: 'waiting', detail: 'starting, health check pending' };
  }
  if (c.state === 'exited' || c.state === 'dead')
    return { kind: 'failed', detail: `${c.state} with code ${c.exitCode ?? '?'}` };
  if (c.state === 'restarting')
    return {
      kind: 'failed',
      detail: `crash loop: restarting after exit code ${c.exitCode ?? '?'}`,
    };
  return { kind: 'waiting', detail: c.state };
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called whenever the verdict's detail changes. */
  readonly onChange?: (v: Verdict) => void;
  /** Stops the wait (then: failed, with the signal's reason and what it saw last). */
  readonly signal?: AbortSignal;
}

/** Looks at the service until it is ready, has failed, or the timeout passes (then: failed). */
export async function waitFor(
  look: () => Promise<ServiceContainer | undefined>,
  opts: WaitOptions,
): Promise<Verdict> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    const v = verdictOf(await look());
    if (v.detail !== last) {
      last = v.detail;
      opts.onChange?.(v);
    }
    if (v.kind !== 'waiting') return v;
    if (now() >= deadline)
      return {
        kind: 'failed',
        detail: `not healthy after ${Math.round(opts.timeoutMs / 1000)}s (${v.detail})`,
      };
    if (opts.signal?.aborted)
      return { kind: 'failed', detail: `${String(opts.signal.reason)} (${v.detail})` };
    await sleep(opts.intervalMs ?? 500);
    if (opts.signal?.aborted)
      return { kind: 'failed', detail: `${String(opts.signal.reason)} (${v.detail})` };
  }
}
