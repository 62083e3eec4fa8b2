/**
 * The three faces of a health report, pure: a table for people, application/health+json
 * (draft RFC "Health Check Response Format for HTTP APIs") for scripts, and the Nagios
 * plugin format for monitoring (one line, `|` then performance data). Plus the one-line
 * summary that --watch prints per round when not on a terminal.
 */
import {
  humanDuration,
  type CheckResult,
  type HealthReport,
  type HealthStatus,
  type PerfData,
} from './report.js';

/** Colours, as the CLI's Output style gives them (identity functions without colour). */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

export const NAGIOS_WORD: Record<HealthStatus, string> = {
  pass: 'OK',
  warn: 'WARNING',
  fail: 'CRITICAL',
  unknown: 'UNKNOWN',
};
const ORDER: Record<HealthStatus, number> = { fail: 0, unknown: 1, warn: 2, pass: 3 };
/** How many problems the one-line summary names (the rest: "+N more", and the long output). */
const SUMMARY_NAMES = 3;

export function checkName(c: CheckResult): string {
  return c.componentId ? `${c.component}:${c.componentId}` : `${c.component}:${c.measurement}`;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** "2 critical, 1 warning: support-chatbot (connection refused), …" or "15 checks pass". */
export function summaryOf(r: HealthReport): string {
  const bad = r.checks
    .filter((c) => c.status !== 'pass')
    .sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  if (bad.length === 0) return `${r.checks.length} checks pass (${r.target})`;
  const count = (s: HealthStatus, word: string) => {
    const n = bad.filter((c) => c.status === s).length;
    return n ? [`${n} ${word}`] : [];
  };
  const counts = [
    ...count('fail', 'critical'),
    ...count('unknown', 'unknown'),
    ...count('warn', 'warning'),
  ].join(', ');
  const named = bad
    .slice(0, SUMMARY_NAMES)
    .map((c) => `${checkName(c)} (${clip(c.output, 80)})`)
    .join('; ');
  return `${counts}: ${named}${bad.length > SUMMARY_NAMES ? `; +${bad.length - SUMMARY_NAMES} more` : ''}`;
}

const ICON: Record<HealthStatus, (p: Paint) => string> = {
  pass: (p) => p.green('✔ pass'),
  warn: (p) => p.yellow('! warn'),
  fail: (p) => p.red('✖ fail'),
  unknown: (p) => p.yellow('? unkn'),
};

export function renderTable(r: HealthReport, p: Paint): string {
  const names = r.checks.map(checkName);
  const width = Math.max('CHECK'.length, ...names.map((n) => n.length));
  const head = `kgc-support health (${r.target}): ${paintStatus(r.status, p)}, ${r.checks.length} checks in ${humanDuration(r.durationMs)}`;
  const lines = r.checks.flatMap((c, i) => [
    `${ICON[c.status](p)}  ${(names[i] ?? '').padEnd(width)}  ${c.output}`,
    ...(c.hint && c.status !== 'pass' ? [`${' '.repeat(8 + width)}${p.dim(`→ ${c.hint}`)}`] : []),
  ]);
  return [p.bold(head), p.bold(`STATUS  ${'CHECK'.padEnd(width)}  FINDING`), ...lines].join('\n');
}

function paintStatus(s: HealthStatus, p: Paint): string {
  const word = s.toUpperCase();
  return s === 'pass' ? p.green(word) : s === 'fail' ? p.red(word) : p.yellow(word);
}

/** The RFC knows pass, warn and fail: unknown is a warn whose output says so. */
const RFC_STATUS: Record<HealthStatus, 'pass' | 'warn' | 'fail'> = {
  pass: 'pass',
  warn: 'warn',
  fail: 'fail',
  unknown: 'warn',
};

export interface HealthJsonCheck {
  componentId?: string;
  componentType: 'component' | 'datastore' | 'system';
  status: 'pass' | 'warn' | 'fail';
  observedValue?: number | string | boolean | null;
  observedUnit?: string;
  time: string;
  output?: string;
}

export interface HealthJson {
  status: 'pass' | 'warn' | 'fail';
  version: string;
  releaseId: string;
  serviceId: string;
  description: string;
  output?: string;
  checks: Record<string, HealthJsonCheck[]>;
}

const DATASTORES = new Set(['redis', 'database']);
const SYSTEMS = new Set(['containers']);

export function toHealthJson(r: HealthReport, releaseId: string): HealthJson {
  const checks: Record<string, HealthJsonCheck[]> = {};
  for (const c of r.checks) {
    const o: HealthJsonCheck = {
      ...(c.componentId ? { componentId: c.componentId } : {}),
      componentType: DATASTORES.has(c.component)
        ? 'datastore'
        : SYSTEMS.has(c.component)
          ? 'system'
          : 'component',
      status: RFC_STATUS[c.status],
      ...(c.observedValue !== undefined ? { observedValue: c.observedValue } : {}),
      ...(c.observedUnit !== undefined ? { observedUnit: c.observedUnit } : {}),
      time: c.time,
      // The RFC: output for warn and fail; kept for pass too, people read it.
      output: c.status === 'unknown' ? `unknown: ${c.output}` : c.output,
    };
    (checks[`${c.component}:${c.measurement}`] ??= []).push(o);
  }
  return {
    status: RFC_STATUS[r.status],
    version: '1',
    releaseId,
    serviceId: 'kgc-support',
    description: `the KGC ERP Support module (${r.target})`,
    ...(r.status === 'pass'
      ? {}
      : { output: `${r.status === 'unknown' ? 'unknown: ' : ''}${summaryOf(r)}` }),
    checks,
  };
}

function perfItem(d: PerfData): string {
  const label = `'${d.label.replace(/'/g, "''")}'`;
  const fields = [`${d.value}${d.uom}`, d.warn, d.crit, d.min, d.max].map((v) =>
    v === undefined ? '' : String(v),
  );
  return `${label}=${fields.join(';').replace(/;+$/, '')}`;
}

/** Nagios plugin output: the status line with its perfdata, then one line per problem (long output). */
export function renderNagios(r: HealthReport): string {
  const clean = (s: string) => s.replace(/\|/g, '/').replace(/\s*\n\s*/g, ' ');
  const perf = r.checks.flatMap((c) => (c.perf ? [perfItem(c.perf)] : [])).join(' ');
  const first = `KGC-SUPPORT ${NAGIOS_WORD[r.status]} - ${clean(summaryOf(r))}${perf ? `|${perf}` : ''}`;
  const details = r.checks
    .filter((c) => c.status !== 'pass')
    .sort((a, b) => ORDER[a.status] - ORDER[b.status])
    .map((c) => `[${NAGIOS_WORD[c.status]}] ${checkName(c)}: ${clean(c.output)}`);
  return [first, ...details].join('\n');
}

/** --watch without a terminal: one line per round. */
export function renderLine(r: HealthReport): string {
  return `${r.time} ${NAGIOS_WORD[r.status]} ${summaryOf(r)}`;
}
