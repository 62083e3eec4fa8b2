/**
 * Waiting for health: a pure verdict on one look at its container, and a loop that
 * looks until the verdict is final, the time is up, or the caller stops it.
 * A crash loop is final: a container that has been restarted CRASH_LOOP_RESTARTS times
 * without getting healthy will not get healthy by waiting longer. `up` counts only the
 * restarts since it began (restartsBefore): a loop that an admin has since fixed is not
 * held against the container, and one restart (a kill, an OOM) is waited through.
 */
import type { ServiceContainer } from './engine.js';

export type Verdict =
  | { readonly kind: 'ready'; readonly detail: string }
  | { readonly kind: 'waiting'; readonly detail: string }
  | { readonly kind: 'failed'; readonly detail: string };

/** Restarts (by the restart policy) without getting healthy that make a crash loop. */
export const CRASH_LOOP_RESTARTS = 3;

/** Why the container last stopped: "killed: out of memory", "killed (SIGKILL, exit code 137)", "exit code 1". */
export function stopCause(c: ServiceContainer): string {
  if (c.oomKilled) return 'killed: out of memory';
  if (c.exitCode === 137) return 'killed (SIGKILL, exit code 137)';
  if (c.exitCode === 143) return 'stopped (SIGTERM, exit code 143)';
  return `exit code ${c.exitCode ?? '?'}`;
}

/**
 * One look at a container. `restartsBefore`: its restart count when the caller began
 * watching (the same container id), so that only the restarts since then count.
 */
export function verdictOf(c: ServiceContainer | undefined, restartsBefore = 0): Verdict {
  if (!c) return { kind: 'waiting', detail: 'no container yet' };
  const restarts = Math.max(0, c.restartCount - restartsBefore);
  const since = restartsBefore > 0 ? ' since this up began' : '';
  // Looping before, and restarted again since: still looping (compose leaves it as it is).
  const loop =
    restarts >= CRASH_LOOP_RESTARTS || (restartsBefore >= CRASH_LOOP_RESTARTS && restarts > 0);
  const said = c.healthOutput ? `: ${c.healthOutput.split('\n')[0]}` : '';
  if (c.state === 'running') {
    if (c.health === 'healthy') return { kind: 'ready', detail: 'healthy' };
    if (loop)
      return {
        kind: 'failed',
        detail: `crash loop: restarted ${restarts} time(s)${since} and not healthy${said}`,
      };
    if (c.health === 'none') return { kind: 'ready', detail: 'running (no healthcheck)' };
    if (c.health === 'unhealthy') return { kind: 'failed', detail: `unhealthy${said}` };
    return {
      kind: 'waiting',
      detail: `starting, health check pending${restarts > 0 ? ` (restarted ${restarts} time(s)${since})` : ''}`,
    };
  }
  if (c.state === 'exited' || c.state === 'dead')
    return { kind: 'failed', detail: `${c.state}: ${stopCause(c)}` };
  if (c.state === 'restarting')
    return loop
      ? {
          kind: 'failed',
          detail: `crash loop: restarted ${restarts} time(s)${since}, last ${stopCause(c)}`,
        }
      : { kind: 'waiting', detail: `restarting after ${stopCause(c)}` };
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
  /** Restart counts by container id when the caller began (see verdictOf). */
  readonly restartsBefore?: ReadonlyMap<string, number>;
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
    const c = await look();
    const v = verdictOf(c, c ? (opts.restartsBefore?.get(c.id) ?? 0) : 0);
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
