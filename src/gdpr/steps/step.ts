/**
 * What every erasure step is: a plan (the dry run), an idempotent run ("already
 * gone" is done), a verification after it, and the reader of an access request
 * (collect: the step knows where its system keeps the customer). A step reports its outcome as a
 * result or throws a StepFailure; every text it returns ends up in the receipt, so
 * it names ids and counts, never a name, a phone, an e-mail or a file's content.
 */
import type { Ctx } from '../../context/context.js';
import type { ErasureDeps } from '../deps.js';
import type { Counts, EraseMode, PlanStep, StepName } from '../gdpr.schema.js';

/** The request as a step sees it (a snapshot taken before anything was deleted). */
export interface ErasureRequest {
  readonly id: string;
  readonly customerId: string;
  readonly reason: string;
  readonly mode: EraseMode;
  /** The customer's phone as the ERP had it when the request was recorded; null when unknown or shared. */
  readonly lookupPhone: string | null;
  /** Another ERP customer has the same phone: contacts are never matched by phone. */
  readonly phoneShared: boolean;
  /** The name and the e-mail as the ERP had them when the request was recorded; null when unknown or shared. */
  readonly lookupName: string | null;
  readonly lookupEmail: string | null;
  /** The ERP's own customer.deleted event, when it started the cascade. */
  readonly triggerEventId: string | null;
}

export interface StepContext {
  readonly ctx: Ctx;
  readonly deps: ErasureDeps;
  readonly request: ErasureRequest;
  /** The step's reference as recorded (step 2: the event id). */
  ref: string | null;
  /** Records the reference before the step acts on it; returns the one recorded (an earlier one wins). */
  setRef(ref: string): Promise<string>;
}

export type StepResult =
  /** Every trace is gone (or was gone already: counts 0). */
  | { readonly kind: 'done'; readonly counts: Counts; readonly detail: string }
  /** Nothing to do here, for a recorded reason (not configured, module disabled). Counts as verified. */
  | { readonly kind: 'skipped'; readonly counts?: Counts; readonly detail: string }
  /** Started and not finished yet (a webhook on its way): looked at again by the next run, no retry now. */
  | { readonly kind: 'waiting'; readonly counts?: Counts; readonly detail: string };

export type StepPlan = Omit<PlanStep, 'step' | 'position'>;

/**
 * What one system holds about the customer, for an access request (`gdpr export`,
 * GDPR art. 15): the data as the system keeps it (found), or why there is none.
 * A system that cannot be read throws a StepFailure (the export says so).
 */
export interface Collected {
  readonly status: 'found' | 'nothing' | 'not_configured' | 'not_kept';
  readonly detail: string;
  readonly data: unknown;
}

export interface ErasureStep {
  readonly name: StepName;
  readonly position: number;
  /** The dry run: what would be erased. Reads only. */
  plan(sc: StepContext): Promise<StepPlan>;
  run(sc: StepContext): Promise<StepResult>;
  /** After a done or skipped result: undefined when verified, else what is left (safe text). */
  verify(sc: StepContext, result: StepResult): Promise<string | undefined>;
  /** Subject access: everything this system holds about the customer. Reads only. */
  collect(sc: StepContext): Promise<Collected>;
}

/** At most `max` items for a plan, with a note of how many more there are. */
export function firstItems(items: readonly string[], max = 50): string[] {
  return items.length <= max
    ? [...items]
    : [...items.slice(0, max), `… and ${items.length - max} more`];
}

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;
