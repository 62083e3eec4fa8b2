/**
 * What a health check says, in one shape for every check and every output: a status,
 * a value with its unit, when it was observed, a sentence for people, and what to do
 * (the same "finding + what to do" as `doctor`). Pure.
 */

/** `unknown`: the check could not find out (no source of the facts, no answer from the source). */
export type HealthStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/** Nagios performance data of a check: 'label'=value[UOM];warn;crit;min;max. */
export interface PerfData {
  readonly label: string;
  readonly value: number;
  /** Nagios units: '', s, ms, us, %, B, KB, MB, TB, c. */
  readonly uom: '' | 's' | 'ms' | 'c';
  readonly warn?: number | undefined;
  readonly crit?: number | undefined;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

export interface CheckResult {
  /** A part of the system: daemon, support-chatbot, redis, webhooks… */
  readonly component: string;
  /** What was measured: responseTime, dlqDepth… (with the component, the health+json key). */
  readonly measurement: string;
  /** One instance among several (a container's service name). */
  readonly componentId?: string;
  readonly status: HealthStatus;
  readonly observedValue?: number | string | boolean | null;
  readonly observedUnit?: string;
  /** ISO time of the observation. */
  readonly time: string;
  /** For people: what was found. */
  readonly output: string;
  /** What to do about it (warn, fail, unknown). */
  readonly hint?: string;
  readonly perf?: PerfData;
}

export interface HealthReport {
  readonly status: HealthStatus;
  /** When the run started (ISO). */
  readonly time: string;
  readonly durationMs: number;
  /** Where the targets came from: "environment" or "franchise <id>". */
  readonly target: string;
  readonly checks: readonly CheckResult[];
}

/** fail > unknown > warn > pass: as Icinga ranks CRITICAL, UNKNOWN, WARNING, OK. */
const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, unknown: 2, fail: 3 };

export function worstOf(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'pass';
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

export function overallOf(checks: readonly Pick<CheckResult, 'status'>[]): HealthStatus {
  return worstOf(checks.map((c) => c.status));
}

/**
 * Exit codes. Nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Otherwise the CLI's own
 * codes (docs/operations.md, "Exit codes" of health): 0 when everything works (warnings are printed, as in
 * `doctor`), 1 when a check fails, 3 when nothing failed but something could not be
 * found out.
 */
export function exitCodeOf(status: HealthStatus, format: 'nagios' | 'cli'): number {
  if (format === 'nagios') return { pass: 0, warn: 1, fail: 2, unknown: 3 }[status];
  return { pass: 0, warn: 0, fail: 1, unknown: 3 }[status];
}

/** "12 ms", "3.2 s", "4 min", "2 h", "3 d": an age or a latency for people. */
export function humanDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1_000) return `${Math.round(ms)} ms`;
  if (a < 60_000) return `${(ms / 1_000).toFixed(a < 10_000 ? 1 : 0)} s`;
  if (a < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (a < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}
