/** What one doctor check found: its own module, so that every check file can return one. */
import type { HealthStatus } from '../health/report.js';

/** health's statuses, less `unknown`: doctor always finds out. */
export type CheckStatus = Exclude<HealthStatus, 'unknown'>;

export interface Finding {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about it (for warn and fail). */
  readonly hint?: string;
}
