/**
 * The dispatcher's loop: one wake path, one pass at a time, its situation a named state.
 *
 *   WAITING        nothing runs; a wake starts a pass                   → PASSING
 *   PASSING        a pass runs; a wake is remembered                    → PASSING_AGAIN
 *                  the pass ends                                        → WAITING
 *   PASSING_AGAIN  a pass runs and another was asked for meanwhile;
 *                  the pass ends and the next one starts at once        → PASSING
 *   STOPPED        closed (from any state); wakes are ignored, for good
 *
 * Every wake names its reason (WakeReason); a pass receives the reasons gathered since the
 * previous pass began, so a burst of wakes costs one pass, and what the pass does follows
 * from why it was asked (the outbox is drained only when the ERP wrote to it or the poll
 * asks). A pass that fails hands its reasons back: the next pass (a wake, the poll) does
 * that work again. Any other transition is a bug and throws.
 */
import { KgcError } from '../errors/kgc-error.js';

export type LoopState = 'WAITING' | 'PASSING' | 'PASSING_AGAIN' | 'STOPPED';

/** What happened to the loop: a wake, the end of a pass, or the close. */
export type LoopSignal = 'wake' | 'passed' | 'stop';

/** The only transitions there are; `undefined` where a signal is not possible. */
const NEXT: Readonly<Record<LoopState, Readonly<Partial<Record<LoopSignal, LoopState>>>>> = {
  WAITING: { wake: 'PASSING', stop: 'STOPPED' },
  PASSING: { wake: 'PASSING_AGAIN', passed: 'WAITING', stop: 'STOPPED' },
  PASSING_AGAIN: { wake: 'PASSING_AGAIN', passed: 'PASSING', stop: 'STOPPED' },
  STOPPED: { wake: 'STOPPED', passed: 'STOPPED', stop: 'STOPPED' },
};

/** The state that follows `state` on `signal`; throws on a transition the table does not hold. */
export function nextState(state: LoopState, signal: LoopSignal): LoopState {
  const next = NEXT[state][signal];
  if (next === undefined)
    throw new KgcError('internal', `dispatcher loop: no transition from ${state} on ${signal}`);
  return next;
}

export interface WakeLoopOptions<R extends string> {
  /** One pass over the work, for the reasons gathered; a rejection hands them back. */
  pass(reasons: ReadonlySet<R>): Promise<void>;
  /** Every transition, for the log and the tests. */
  onTransition?(from: LoopState, to: LoopState, signal: LoopSignal): void;
  /** A pass ended (or failed) and no other follows now. */
  onRest?(): void;
}

export class WakeLoop<R extends string> {
  private current: LoopState = 'WAITING';
  private reasons = new Set<R>();

  constructor(private readonly opts: WakeLoopOptions<R>) {}

  get state(): LoopState {
    return this.current;
  }

  /** The one way in: asks for a pass, for `reason`. */
  wake(reason: R): void {
    if (this.current === 'STOPPED') return;
    this.reasons.add(reason);
    const from = this.current;
    this.go('wake');
    if (from === 'WAITING') void this.run();
  }

  /** No pass starts any more; one running ends on its own. */
  stop(): void {
    this.go('stop');
  }

  private go(signal: LoopSignal): void {
    const from = this.current;
    this.current = nextState(from, signal);
    this.opts.onTransition?.(from, this.current, signal);
  }

  private async run(): Promise<void> {
    do {
      const reasons = this.reasons;
      this.reasons = new Set();
      try {
        await this.opts.pass(reasons);
      } catch {
        for (const r of reasons) this.reasons.add(r);
      }
      this.go('passed');
    } while (this.current === 'PASSING');
    if (this.current === 'WAITING') this.opts.onRest?.();
  }
}
