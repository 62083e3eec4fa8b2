/**
 * Runs an erasure request: takes it (one runner at a time, under a lease), runs each
 * unfinished step in order, retrying a failing one with backoff, verifies it, records
 * its outcome and counts (and an audit row), and ends in a state:
 *   completed  every step done or skipped, each verified
 *   failed     a step needs a person (ambiguous contact, permission, dead letter…)
 *   partial    the rest; the daemon resumes it later by itself, `gdpr resume` at once
 * A step that is done or skipped never runs again: the runner skips it and the
 * database refuses to restart it. A step left `running` by a killed process is not
 * finished, so it runs again: every step is idempotent ("already gone" is done).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { recordAdminAction } from '../audit/audit.service.js';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { storeFaultOf } from '../store/store-errors.js';
import type { ErasureDeps } from './deps.js';
import * as sql from './gdpr.queries.js';
import type { Counts, RequestState, RequestView, StepState } from './gdpr.schema.js';
import {
  isFinal,
  requestRow,
  requestView,
  stepRows,
  toErasureRequest,
  type RequestRow,
  type StepRow,
} from './requests.js';
import { chatwootStep } from './steps/chatwoot.step.js';
import { erpStep } from './steps/erp.step.js';
import { memoryStep } from './steps/memory.step.js';
import { redisStep } from './steps/redis.step.js';
import { storeStep } from './steps/store.step.js';
import { type ErasureRequest, type ErasureStep, type StepContext } from './steps/step.js';
import { StepFailure, transient } from './steps/failure.js';
import { webhookStep } from './steps/webhook.step.js';

/** The steps in the order they run (seed 5.2), then the daemon's own copies (after step 2 has told Support). */
export const STEPS: readonly ErasureStep[] = [
  erpStep,
  webhookStep,
  memoryStep,
  chatwootStep,
  redisStep,
  storeStep,
];

const LEASE_MS = 60_000;
const HEARTBEAT_MS = 15_000;
const MAX_RETRY_DELAY_MS = 6 * 3_600_000;
const AUDIT_STATUS: Record<StepState, number> = {
  done: 200,
  skipped: 204,
  retry: 503,
  failed: 422,
  pending: 102,
  running: 102,
};
const RUN_STATUS: Record<RequestState, number> = {
  completed: 200,
  partial: 202,
  failed: 422,
  running: 102,
  received: 201,
};

/** Tells this process's runs from those of an earlier process with the same pid (a restarted container is pid 1 again). */
const PROCESS_TOKEN = randomBytes(4).toString('hex');
/** The owners of the runs this process has going now. */
const liveOwners = new Set<string>();

/**
 * "<pid>@<host>#<process>.<run>": the pid and host tell whether the owner's process is
 * alive, the process token whether it is this one, the run part tells runs apart.
 */
function newOwner(ctx: Pick<Ctx, 'random'>): string {
  return `${process.pid}@${hostname()}#${PROCESS_TOKEN}.${ctx.random.bytes(4).toString('hex')}`;
}

/**
 * Whether the runner that wrote `owner` is known to be gone, so that its request is taken
 * over before its lease runs out. A run of this process is gone when it is no longer going
 * (it ended while the store could not record it, as in a database stall). Of another
 * process, only a hint: on another host, or with our own pid from an earlier process,
 * nothing is known and the lease decides.
 */
export function ownerIsDead(owner: string | null): boolean {
  const m = owner ? /^(\d+)@([^#]+)#([^.]*)/.exec(owner) : null;
  if (!m || m[2] !== hostname()) return false;
  const pid = Number(m[1]);
  if (pid === process.pid && m[3] === PROCESS_TOKEN) return !liveOwners.has(owner as string);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  // Alive, unless the pid was reused by another program.
  try {
    return !/node|kgc-support/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

const addCounts = (a: Counts, b: Counts | undefined): Counts => {
  const out = { ...a };
  for (const [k, n] of Object.entries(b ?? {})) out[k] = (out[k] ?? 0) + n;
  return out;
};

/** A StepFailure as it is, anything else as a transient failure that names no data. */
function asFailure(ctx: Ctx, err: unknown, where: string): StepFailure {
  if (err instanceof StepFailure) return err;
  const e = err as { code?: unknown; name?: string; message?: string };
  ctx.logger.warn({ where, code: e.code, err: e.message }, 'erasure step failed unexpectedly');
  return transient(
    `unexpected error (${typeof e.code === 'string' ? e.code : (e.name ?? 'error')})`,
  );
}

function backoffMs(ctx: Ctx, attempt: number): number {
  const base = ctx.config.gdprStepBackoffMs * 2 ** (attempt - 1);
  const jitter = 0.8 + ctx.random.int(401) / 1000; // ±20 %
  return Math.round(base * jitter);
}

/** How a step's run ended; `storeFault`: its last failure was a database that could not answer. */
interface StepOutcome {
  state: StepState;
  storeFault: boolean;
}

async function runStep(
  ctx: Ctx,
  deps: ErasureDeps,
  req: ErasureRequest,
  step: ErasureStep,
  row: StepRow,
): Promise<StepOutcome> {
  const started = performance.now();
  const { rows } = await ctx.db.query(sql.STEP_START, [
    req.id,
    step.name,
    new Date(ctx.clock.now()),
  ]);
  if (!rows[0]) return { state: 'done', storeFault: false }; // finished meanwhile: never run twice
  const sc: StepContext = {
    ctx,
    deps,
    request: req,
    ref: row.ref,
    async setRef(ref) {
      const res = await ctx.db.query<{ ref: string }>(sql.STEP_SET_REF, [req.id, step.name, ref]);
      sc.ref = res.rows[0]?.ref ?? ref;
      return sc.ref;
    },
  };
  let counts: Counts = row.counts ?? {};
  let state: StepState = 'retry';
  let detail = '';
  let storeFault = false;
  for (let attempt = 1; ; attempt++) {
    await ctx.db.query(sql.STEP_ATTEMPT, [req.id, step.name]);
    try {
      const result = await step.run(sc);
      counts = addCounts(counts, result.counts);
      detail = result.detail;
      if (result.kind === 'waiting') break;
      const left = await step.verify(sc, result);
      if (left !== undefined) throw transient(`not verified: ${left}`);
      state = result.kind;
      break;
    } catch (err) {
      const failure = asFailure(ctx, err, `gdpr.${step.name}`);
      storeFault = storeFaultOf(err) !== undefined;
      counts = addCounts(counts, failure.counts);
      detail = failure.message;
      if (failure.permanent) {
        state = 'failed';
        break;
      }
      if (attempt >= ctx.config.gdprStepAttempts) break;
      await deps.sleep(backoffMs(ctx, attempt));
    }
  }
  await ctx.db.query(sql.STEP_FINISH, [
    req.id,
    step.name,
    state,
    JSON.stringify(counts),
    detail,
    new Date(ctx.clock.now()),
  ]);
  await recordAdminAction(ctx, {
    action: `gdpr.step.${step.name}`,
    resourceId: req.id,
    status: AUDIT_STATUS[state],
    latencyMs: performance.now() - started,
  });
  ctx.logger.info({ request: req.id, step: step.name, state }, 'erasure step finished');
  return { state, storeFault };
}

/** Takes the request for this runner, or explains why not. */
async function claim(ctx: Ctx, row: RequestRow, owner: string): Promise<RequestRow | undefined> {
  const now = ctx.clock.now();
  const deadOwner = row.state === 'running' && ownerIsDead(row.owner) ? row.owner : null;
  const { rows } = await ctx.db.query<RequestRow>(sql.CLAIM, [
    row.id,
    owner,
    new Date(now + LEASE_MS),
    new Date(now),
    deadOwner,
  ]);
  return rows[0];
}

function finalState(states: readonly StepState[]): RequestState {
  if (states.every(isFinal)) return 'completed';
  return states.includes('failed') ? 'failed' : 'partial';
}

/**
 * Runs every unfinished step of the request and returns how it stands. A completed
 * request is returned as it is; one another live runner holds is refused (busy).
 */
export async function runErasure(
  ctx: Ctx,
  deps: ErasureDeps,
  requestId: string,
): Promise<RequestView> {
  const row = await requestRow(ctx, requestId);
  if (row.state === 'completed') return requestView(ctx, requestId);
  const owner = newOwner(ctx);
  const claimed = await claim(ctx, row, owner);
  if (!claimed) {
    const now = await requestRow(ctx, requestId);
    if (now.state === 'completed') return requestView(ctx, requestId);
    throw new KgcError(
      'gdpr_request_busy',
      `erasure request ${requestId} is being run by ${now.owner?.split('#')[0] ?? 'another process'}`,
    );
  }
  const started = performance.now();
  liveOwners.add(owner);
  const heartbeat = setInterval(() => {
    void ctx.db
      .query(sql.HEARTBEAT, [requestId, owner, new Date(ctx.clock.now() + LEASE_MS)])
      .catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let state: RequestState;
  let storeFault = false;
  try {
    const req = toErasureRequest(claimed);
    const rows = await stepRows(ctx, [requestId]);
    const states: StepState[] = [];
    for (const step of STEPS) {
      const stepRow = rows.find((r) => r.step === step.name) as StepRow;
      if (isFinal(stepRow.state)) {
        states.push(stepRow.state);
        continue;
      }
      const outcome = await runStep(ctx, deps, req, step, stepRow);
      states.push(outcome.state);
      storeFault ||= outcome.storeFault && !isFinal(outcome.state);
    }
    state = finalState(states);
  } catch (err) {
    // The store failed under us: hand the request back (partial) rather than leave it leased.
    // The database, not the request, failed: it is due again as soon as the store answers
    // (the worker's next sweep), not after the retry interval. If even this cannot be
    // recorded, the run is no longer live, so this process takes it over (ownerIsDead).
    const now = ctx.clock.now();
    const due = storeFaultOf(err) ? now : now + ctx.config.gdprRetryEveryMs;
    await ctx.db
      .query(sql.FINISH_RUN, [requestId, owner, 'partial', new Date(now), new Date(due)])
      .catch(() => {});
    liveOwners.delete(owner);
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
  const now = ctx.clock.now();
  // A step left for later only because a database could not answer is due again at once:
  // the worker's next sweep, once the store answers, resumes it.
  const retryIn = storeFault
    ? 0
    : Math.min(
        ctx.config.gdprRetryEveryMs * 2 ** Math.max(0, claimed.runs - 1),
        MAX_RETRY_DELAY_MS,
      );
  try {
    await ctx.db.query(sql.FINISH_RUN, [
      requestId,
      owner,
      state,
      new Date(now),
      state === 'partial' ? new Date(now + retryIn) : null,
    ]);
  } finally {
    liveOwners.delete(owner);
  }
  await recordAdminAction(ctx, {
    action: `gdpr.run.${state}`,
    resourceId: requestId,
    status: RUN_STATUS[state],
    latencyMs: performance.now() - started,
  });
  ctx.logger.info({ request: requestId, state, run: claimed.runs }, 'erasure run finished');
  return requestView(ctx, requestId);
}
