/**
 * One round of `kgc-support health`: every probe at once, each within its time limit,
 * the whole round within a deadline however the targets behave (a target that never
 * answers costs the time limit, not more); then the checks, pure, over what came back.
 * When the round ends every socket still open is aborted, so the process can exit.
 */
import type { Clock } from '../context/clock.js';
import { containerChecks, redisFromContainer, type ContainersProbe } from './checks/containers.js';
import { factsChecks, type DaemonFacts, type Thresholds } from './checks/facts.js';
import {
  chatwootCheck,
  daemonReadyCheck,
  databaseCheck,
  databaseFromReady,
  redisCheck,
  serviceCheck,
} from './checks/services.js';
import type { HttpOutcome } from './probes/http.js';
import type { RedisOutcome } from './probes/redis.js';
import type { Probed } from './probed.js';
import { overallOf, type CheckResult, type HealthReport } from './report.js';
import type { HealthTargets } from './targets.js';

/** A probe to run, or why there is none. */
export type Job<T> = ((signal: AbortSignal) => Promise<T>) | { readonly unset: string };

export interface HealthJobs {
  readonly daemonHealth: Job<HttpOutcome>;
  readonly daemonReady: Job<HttpOutcome>;
  readonly chatbot: Job<HttpOutcome>;
  readonly context: Job<HttpOutcome>;
  readonly chatwoot: Job<HttpOutcome>;
  readonly redis: Job<RedisOutcome>;
  readonly database: Job<{ ms: number }>;
  /** Only with a franchise. */
  readonly containers: Job<ContainersProbe> | undefined;
  readonly facts: Job<DaemonFacts>;
}

export interface RoundOptions {
  readonly targets: HealthTargets;
  readonly thresholds: Thresholds;
  /** Each probe's time limit. */
  readonly timeoutMs: number;
  /** The whole round's, a safety net above the probes' own (default timeoutMs + 1 s). */
  readonly deadlineMs?: number;
  readonly clock: Clock;
  /** Aborts the round (Ctrl-C in --watch). */
  readonly signal?: AbortSignal;
}

/** Every probe keeps its own time limit (with a message that names its target); this guard catches one that does not. */
const GUARD_GRACE_MS = 100;

function runJob<T>(
  job: Job<T>,
  timeoutMs: number,
  signal: AbortSignal,
  clock: Clock,
): Promise<Probed<T>> {
  if (typeof job !== 'function')
    return Promise.resolve({ kind: 'unset', why: job.unset, at: clock.now() });
  return new Promise<Probed<T>>((resolve) => {
    const timer = setTimeout(
      () => resolve({ kind: 'timeout', timeoutMs, at: clock.now() }),
      timeoutMs + GUARD_GRACE_MS,
    );
    job(signal).then(
      (value) => {
        clearTimeout(timer);
        resolve({ kind: 'ok', value, at: clock.now() });
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve({
          kind: 'error',
          error: err instanceof Error ? err.message : String(err),
          at: clock.now(),
        });
      },
    );
  });
}

const HINTS = {
  daemon:
    'Start it: kgc-support serve (or kgc-support up --franchise <id>); its log says why it stopped.',
  chatbot:
    'The Kokó chatbot does not answer: kgc-support status; kgc-support logs --service support-chatbot. The ERP keeps working; webhooks are buffered.',
  context: 'The context manager does not answer: kgc-support logs --service support-context.',
  chatwoot:
    'Chatwoot does not answer, or its PostgreSQL (data_services) or Redis (queue_services) fails: kgc-support logs --service chatwoot-web.',
};

export async function runRound(jobs: HealthJobs, o: RoundOptions): Promise<HealthReport> {
  const started = o.clock.now();
  const t0 = performance.now();
  const aborter = new AbortController();
  const onOuterAbort = () => aborter.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const deadlineMs = o.deadlineMs ?? o.timeoutMs + 1_000;
  // Each probe fills its slot when it settles; at the deadline an empty slot reads as unanswered.
  const pending: Promise<void>[] = [];
  const slot = <T>(job: Job<T>): (() => Probed<T>) => {
    let got: Probed<T> | undefined;
    pending.push(
      runJob(job, o.timeoutMs, aborter.signal, o.clock).then((r) => {
        got = r;
      }),
    );
    return () => got ?? { kind: 'timeout', timeoutMs: deadlineMs, at: o.clock.now() };
  };
  try {
    const daemonHealth = slot(jobs.daemonHealth);
    const daemonReady = slot(jobs.daemonReady);
    const chatbot = slot(jobs.chatbot);
    const context = slot(jobs.context);
    const chatwoot = slot(jobs.chatwoot);
    const redis = slot(jobs.redis);
    const database = slot(jobs.database);
    const containersSlot = jobs.containers ? slot(jobs.containers) : undefined;
    const facts = slot(jobs.facts);
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, deadlineMs);
      }),
    ]);
    clearTimeout(deadline);
    const containers = containersSlot?.();
    const t = o.targets;
    const [moduleState, ...storeFacts] = factsChecks(facts(), o.thresholds, o.clock.now());
    const checks: CheckResult[] = [
      serviceCheck(
        { component: 'daemon', label: 'daemon', url: `${t.daemonUrl}/health`, hint: HINTS.daemon },
        daemonHealth(),
      ),
      daemonReadyCheck(`${t.daemonUrl}/ready`, daemonReady(), HINTS.daemon),
      ...(moduleState ? [moduleState] : []),
      serviceCheck(
        {
          component: 'support-chatbot',
          label: 'support_chatbot',
          url: `${t.chatbotUrl}/health`,
          hint: HINTS.chatbot,
        },
        chatbot(),
      ),
      serviceCheck(
        {
          component: 'support-context',
          label: 'support_context',
          url: `${t.contextUrl}/health`,
          hint: HINTS.context,
        },
        context(),
      ),
      chatwootCheck(
        {
          component: 'chatwoot',
          label: 'chatwoot',
          url: `${t.chatwootUrl}/api`,
          hint: HINTS.chatwoot,
        },
        chatwoot(),
      ),
      t.redisUrl !== undefined || !containers
        ? redisCheck(t.redisUrl ?? '', redis())
        : redisFromContainer(containers),
      t.databaseUrl !== undefined
        ? databaseCheck('PostgreSQL (DATABASE_URL)', database())
        : databaseFromReady(daemonReady(), t.storeLabel),
      ...(containers ? containerChecks(containers, t.franchise ?? '<id>') : []),
      ...storeFacts,
    ];
    return {
      status: overallOf(checks),
      time: new Date(started).toISOString(),
      durationMs: Math.round(performance.now() - t0),
      target: t.label,
      checks,
    };
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort);
    aborter.abort();
  }
}
