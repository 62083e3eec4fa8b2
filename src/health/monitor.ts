/**
 * The daemon's own watch on Support (seed 3.2): at start, and when the module is
 * switched on, one look (DISCOVERY → ACTIVE or DOWN); then a check every
 * KGC_SUPPORT_HEALTH_INTERVAL (HEALTHY / DEGRADED / DOWN); DISABLED while the module
 * is off. Each state change is logged once.
 *
 * With the webhook dispatcher's breaker it keeps one story: when deliveries get no
 * answer the breaker opens and Support is DOWN at once; when a check finds the
 * chatbot unreachable the breaker is told to hold deliveries, and its quick /health
 * probes notice the return, upon which a check runs at once (HEALTHY again). A chatbot
 * that answers 5xx on /health is DOWN too, but deliveries go on: each delivery's own
 * answer decides its retry, as before.
 */
import type { Clock } from '../context/clock.js';
import type { Logger } from '../context/logger.js';
import type { ComponentView, LifecycleState, LifecycleView } from './health.schema.js';
import {
  discoveryState,
  healthUrls,
  judgeSupport,
  transitionLevel,
  type SupportUrls,
} from './lifecycle.js';
import { httpGet, type HttpOutcome } from './probes/http.js';

export interface MonitorOptions {
  readonly urls: SupportUrls;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The module switch as the daemon knows it. */
  readonly enabled: () => boolean;
  /** The chatbot gave no answer: hold webhook deliveries (the dispatcher's breaker). */
  readonly holdDeliveries?: () => void;
  /** The chatbot answers again while deliveries are held: resume them at once. */
  readonly resumeDeliveries?: () => void;
  readonly probe?: (url: string, timeoutMs: number, signal: AbortSignal) => Promise<HttpOutcome>;
}

export interface SupportMonitor {
  view(): LifecycleView;
  /** The first look (when the module is on). */
  start(): void;
  /** The daemon heard the module switch. */
  moduleChanged(enabled: boolean): void;
  /** The dispatcher's breaker opened (true) or closed (false). */
  deliveriesHeld(held: boolean): void;
  /** A check now (not waiting for the interval); resolves with the view after it. */
  checkNow(): Promise<LifecycleView>;
  close(): void;
}

const MESSAGES: Record<LifecycleState, string> = {
  DISABLED: 'Support module DISABLED: no calls to Support, events are recorded as skipped',
  DISCOVERY: 'Support module DISCOVERY: looking for Support',
  ACTIVE: 'Support module ACTIVE: Support reached',
  HEALTHY: 'Support module HEALTHY',
  DEGRADED: 'Support module DEGRADED: the chatbot answers, but not everything works',
  DOWN: 'Support is DOWN: admin attention needed; the ERP keeps working and webhook deliveries are buffered',
};

export function createSupportMonitor(o: MonitorOptions): SupportMonitor {
  const log = o.logger.child({ component: 'support-health' });
  const probe =
    o.probe ??
    ((url: string, timeoutMs: number, signal: AbortSignal) => httpGet(url, { timeoutMs, signal }));
  const aborter = new AbortController();
  const iso = (ms: number) => new Date(ms).toISOString();
  let state: LifecycleState = o.enabled() ? 'DISCOVERY' : 'DISABLED';
  let since = o.clock.now();
  let detail = state === 'DISABLED' ? 'the module is switched off' : 'not checked yet';
  let checkedAt: number | null = null;
  let nextAt: number | null = null;
  let components: ComponentView[] = [];
  let held = false;
  let closed = false;
  /** Bumped by every module switch: a look begun before it is not applied after it. */
  let generation = 0;
  let running: Promise<LifecycleView> | undefined;
  let timer: NodeJS.Timeout | undefined;

  function set(next: LifecycleState, why: string): void {
    detail = why;
    if (next === state) return;
    const previous = state;
    state = next;
    since = o.clock.now();
    log[transitionLevel(next)]({ state: next, previous, detail: why }, MESSAGES[next]);
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    nextAt = null;
    if (closed || !o.enabled()) return;
    nextAt = o.clock.now() + o.intervalMs;
    timer = setTimeout(() => {
      void run('check');
    }, o.intervalMs);
    timer.unref();
  }

  async function look(kind: 'discovery' | 'check'): Promise<void> {
    const gen = generation;
    const outcomes = new Map(
      await Promise.all(
        healthUrls(o.urls).map(
          async ({ component, url }) =>
            [component, await probe(url, o.timeoutMs, aborter.signal)] as const,
        ),
      ),
    );
    if (gen !== generation || closed || !o.enabled()) return;
    const v = judgeSupport(outcomes, o.urls);
    checkedAt = o.clock.now();
    components = v.components;
    set(kind === 'discovery' ? discoveryState(v) : v.state, v.detail);
    if (v.unreachable && !held) o.holdDeliveries?.();
    else if (!v.unreachable && held) o.resumeDeliveries?.();
  }

  function run(kind: 'discovery' | 'check'): Promise<LifecycleView> {
    if (closed || !o.enabled()) return Promise.resolve(view());
    if (running) return running;
    const p: Promise<LifecycleView> = look(kind)
      .catch((err: unknown) => {
        log.warn({ err: (err as Error).message }, 'Support health check failed');
      })
      .then(() => view())
      .finally(() => {
        if (running === p) running = undefined;
        schedule();
      });
    running = p;
    return p;
  }

  function view(): LifecycleView {
    return {
      state,
      since: iso(since),
      checked_at: checkedAt === null ? null : iso(checkedAt),
      next_check_at: nextAt === null ? null : iso(nextAt),
      detail,
      deliveries_held: held,
      components,
    };
  }

  return {
    view,
    start() {
      if (o.enabled()) {
        set('DISCOVERY', 'looking for Support');
        void run('discovery');
      }
    },
    moduleChanged(enabled) {
      generation++;
      running = undefined;
      if (!enabled) {
        schedule();
        components = [];
        set('DISABLED', 'the module is switched off');
        return;
      }
      set('DISCOVERY', 'switched on: looking for Support');
      void run('discovery');
    },
    deliveriesHeld(h) {
      held = h;
      if (closed || !o.enabled()) return;
      if (h) {
        if (state !== 'DOWN')
          set(
            'DOWN',
            'webhook deliveries get no answer and SUPPORT_API_URL/health does not answer',
          );
      } else {
        void run('check');
      }
    },
    checkNow: () => run('check'),
    close() {
      closed = true;
      aborter.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
