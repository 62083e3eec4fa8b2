/**
 * "While Support is known to be down, stop burning retries" (DESIGN.md 6, seed 10.2).
 * An attempt that got no answer at all (refused, reset, timed out) asks the breaker
 * whether Support is down: one probe of SUPPORT_API_URL/health, shared by every
 * attempt that asks at the same time. When the probe fails too the breaker opens:
 * those attempts are held (not counted against the schedule), the dispatcher stops
 * claiming, and /health is probed every interval until it answers; then deliveries
 * resume. When the probe succeeds, Support is up and the attempt's failure is its own.
 */
import type { Logger } from '../context/logger.js';
import type { Random } from '../context/clock.js';
import { withJitter } from './schedule.js';

export interface BreakerOptions {
  probe: () => Promise<boolean>;
  intervalMs: number;
  logger: Logger;
  random: Pick<Random, 'int'>;
  /** Whether probing is worth it now (not while the module is disabled or shutting down). */
  active: () => boolean;
  onChange: (open: boolean) => void;
  /** Each probe's result (Support answered or not). */
  onProbe?: (up: boolean) => void;
}

export class Breaker {
  private isOpen = false;
  private probing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private openedAt = 0;

  constructor(private readonly opts: BreakerOptions) {}

  get open(): boolean {
    return this.isOpen;
  }

  private probeOnce(): Promise<boolean> {
    this.probing ??= this.opts
      .probe()
      .catch(() => false)
      .then((up) => {
        this.opts.onProbe?.(up);
        return up;
      })
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  /** After an answerless attempt: true when Support is unreachable (the attempt is held). */
  async unreachable(): Promise<boolean> {
    if (this.isOpen) return true;
    const up = await this.probeOnce();
    if (!up) this.trip();
    return !up;
  }

  /**
   * Someone else found Support unreachable (the daemon's periodic health check): hold
   * deliveries and probe, as after an answerless attempt.
   */
  markUnreachable(): void {
    this.trip();
  }

  /** Any answer from Support proves it reachable (a delivery's, or the daemon's health check). */
  reachable(why = 'a delivery got an answer'): void {
    if (this.isOpen) this.close(why);
  }

  private trip(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.openedAt = Date.now();
    this.opts.logger.warn(
      { probeEveryMs: this.opts.intervalMs },
      'Support is unreachable: holding webhook deliveries and probing its /health',
    );
    this.opts.onChange(true);
    this.schedule();
  }

  private close(why: string): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.opts.logger.info(
      { why, heldForMs: Date.now() - this.openedAt },
      'Support is reachable again: resuming webhook deliveries',
    );
    this.opts.onChange(false);
  }

  private schedule(): void {
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (!this.isOpen) return;
        if (!this.opts.active()) {
          this.schedule();
          return;
        }
        void this.probeOnce().then((up) => {
          if (up) this.close('its /health answered');
          else if (this.isOpen) this.schedule();
        });
      },
      withJitter(this.opts.intervalMs, 20, this.opts.random),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
