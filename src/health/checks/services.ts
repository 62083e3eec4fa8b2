/**
 * Checks of the services that answer over the network: the daemon, the chatbot, the
 * context manager, Chatwoot, Redis, the database. Pure: a probe's outcome in, a
 * CheckResult out. The daemon's lifecycle judges Support with the same functions.
 */
import { redactUrl } from '../../config/config.js';
import { jsonBody, type HttpOutcome } from '../probes/http.js';
import type { RedisOutcome } from '../probes/redis.js';
import type { Probed } from '../probed.js';
import type { CheckResult, HealthStatus } from '../report.js';

export interface ResultFields {
  readonly status: HealthStatus;
  readonly output: string;
  readonly hint?: string | undefined;
  readonly observedValue?: number | string | boolean | null;
  readonly observedUnit?: string;
  readonly perf?: CheckResult['perf'];
  readonly componentId?: string;
}

export function result(
  component: string,
  measurement: string,
  at: number,
  f: ResultFields,
): CheckResult {
  const r: { -readonly [K in keyof CheckResult]: CheckResult[K] } = {
    component,
    measurement,
    status: f.status,
    time: new Date(at).toISOString(),
    output: f.output,
  };
  if (f.componentId !== undefined) r.componentId = f.componentId;
  if (f.observedValue !== undefined) r.observedValue = f.observedValue;
  if (f.observedUnit !== undefined) r.observedUnit = f.observedUnit;
  if (f.hint !== undefined && f.status !== 'pass') r.hint = f.hint;
  if (f.perf !== undefined) r.perf = f.perf;
  return r;
}

/** A probe that has no value: not configured, not finished in time, or refused by its source. */
export function withoutValue(
  component: string,
  measurement: string,
  p: Exclude<Probed<unknown>, { kind: 'ok' }>,
  onTimeout: HealthStatus,
  hint?: string,
  subject?: string,
): CheckResult {
  const about = (text: string) => (subject ? `${subject} ${text}` : text);
  if (p.kind === 'unset') {
    return result(component, measurement, p.at, {
      status: 'warn',
      output: `not checked: ${p.why}`,
      observedValue: null,
      hint: 'Set it as the daemon has it, or check an installed franchise: kgc-support health --franchise <id>.',
    });
  }
  if (p.kind === 'timeout') {
    const s = p.timeoutMs / 1000;
    return result(component, measurement, p.at, {
      status: onTimeout,
      output: about(`no answer within ${Number.isInteger(s) ? s : s.toFixed(1)} s`),
      hint,
      observedValue: null,
    });
  }
  return result(component, measurement, p.at, {
    status: onTimeout,
    output: about(p.error),
    hint,
    observedValue: null,
  });
}

export interface HttpTarget {
  readonly component: string;
  /** Nagios perfdata label. */
  readonly label: string;
  readonly url: string;
  /** What to do when it does not answer. */
  readonly hint: string;
}

const latency = (label: string, ms: number): CheckResult['perf'] => ({
  label,
  value: Math.round(ms),
  uom: 'ms',
  min: 0,
});

/** A GET of a service's health URL: 2xx pass, another answer below 500 warn, 5xx or no answer fail. */
export function httpStatusOf(o: HttpOutcome): { status: 'pass' | 'warn' | 'fail'; output: string } {
  if (o.kind === 'error') return { status: 'fail', output: o.error };
  const when = `in ${Math.round(o.ms)} ms`;
  if (o.status >= 200 && o.status < 300)
    return { status: 'pass', output: `answers ${o.status} ${when}` };
  if (o.status < 500)
    return { status: 'warn', output: `answers ${o.status} ${when} (expected 2xx)` };
  return { status: 'fail', output: `answers ${o.status} ${when}` };
}

/** A GET of a health URL, judged by `judge` (plain status, or Chatwoot's body too). */
function httpCheck(
  t: HttpTarget,
  p: Probed<HttpOutcome>,
  judge: (o: HttpOutcome) => { status: 'pass' | 'warn' | 'fail'; output: string },
): CheckResult {
  if (p.kind !== 'ok') return withoutValue(t.component, 'responseTime', p, 'fail', t.hint, t.url);
  const o = p.value;
  const s = judge(o);
  return result(t.component, 'responseTime', p.at, {
    status: s.status,
    output: `${t.url} ${s.output}`,
    hint: t.hint,
    observedValue: o.kind === 'answer' ? Math.round(o.ms) : null,
    observedUnit: 'ms',
    ...(o.kind === 'answer' ? { perf: latency(t.label, o.ms) } : {}),
  });
}

export function serviceCheck(t: HttpTarget, p: Probed<HttpOutcome>): CheckResult {
  return httpCheck(t, p, httpStatusOf);
}

/** A body field as text: an object as JSON, never "[object Object]". */
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Chatwoot's GET /api answers 200 even when its PostgreSQL or Redis fail: the body says. */
export function chatwootStatusOf(o: HttpOutcome): {
  status: 'pass' | 'warn' | 'fail';
  output: string;
} {
  const base = httpStatusOf(o);
  if (o.kind !== 'answer' || base.status === 'fail') return base;
  const body = jsonBody(o) as
    { data_services?: unknown; queue_services?: unknown; version?: unknown } | undefined;
  if (
    !body ||
    typeof body !== 'object' ||
    body.data_services === undefined ||
    body.queue_services === undefined
  ) {
    return {
      status: 'warn',
      output: `${base.output}, but without data_services and queue_services in its body: is it Chatwoot?`,
    };
  }
  const failing = [
    ...(body.data_services === 'ok'
      ? []
      : [`data_services ${shown(body.data_services)} (its PostgreSQL)`]),
    ...(body.queue_services === 'ok'
      ? []
      : [`queue_services ${shown(body.queue_services)} (its Redis)`]),
  ];
  if (failing.length > 0)
    return { status: 'fail', output: `${base.output}, but ${failing.join(' and ')}` };
  return {
    status: base.status,
    output: `${base.output}; data_services ok, queue_services ok${typeof body.version === 'string' ? ` (Chatwoot ${body.version})` : ''}`,
  };
}

export function chatwootCheck(t: HttpTarget, p: Probed<HttpOutcome>): CheckResult {
  return httpCheck(t, p, chatwootStatusOf);
}

interface ReadyBody {
  status?: string;
  checks?: Record<string, { status?: string; detail?: string; latency_ms?: number }>;
}

/** The daemon's /ready: 200 when its database (and the ERP contract) answer, else 503 naming what failed. */
export function daemonReadyCheck(url: string, p: Probed<HttpOutcome>, hint: string): CheckResult {
  if (p.kind !== 'ok') return withoutValue('daemon', 'ready', p, 'fail', hint, url);
  const o = p.value;
  if (o.kind === 'error')
    return result('daemon', 'ready', p.at, {
      status: 'fail',
      output: `${url} ${o.error}`,
      hint,
      observedValue: null,
    });
  const body = jsonBody(o) as ReadyBody | undefined;
  const failing = Object.entries(body?.checks ?? {})
    .filter(([, c]) => c.status !== 'pass')
    .map(([k, c]) => `${k}: ${c.detail ?? c.status ?? '?'}`);
  if (o.status === 200)
    return result('daemon', 'ready', p.at, {
      status: 'pass',
      output: `${url} ready (${Object.keys(body?.checks ?? {}).join(', ') || 'no dependencies'})`,
      observedValue: true,
    });
  const contract = body?.checks?.erp_contract?.status === 'fail';
  return result('daemon', 'ready', p.at, {
    status: 'fail',
    output: `${url} answers ${o.status}${failing.length ? `: ${failing.join('; ')}` : ''}`,
    hint: contract
      ? "The daemon cannot serve the ERP's data: set ERP_DATABASE_URL (secrets.env of an installed franchise) to the ERP's database, whose kgc_erp schema holds its customers."
      : "The daemon runs but cannot use its database: check DATABASE_URL / ERP_DATABASE_URL and the daemon's log.",
    observedValue: false,
  });
}

export function redisCheck(target: string, p: Probed<RedisOutcome>): CheckResult {
  // The URL may carry Redis's password (userinfo or ?password=): described masked.
  const url = target === '' ? target : redactUrl(target);
  const hint =
    'Check that Redis runs and that REDIS_URL (with its password: redis://:password@host:6379) is right.';
  if (p.kind !== 'ok') return withoutValue('redis', 'responseTime', p, 'fail', hint, url);
  const o = p.value;
  if (o.kind === 'error')
    return result('redis', 'responseTime', p.at, {
      status: 'fail',
      output: `${url} ${o.error}`,
      hint,
      observedValue: null,
      observedUnit: 'ms',
    });
  if (o.reply === '+PONG') {
    return result('redis', 'responseTime', p.at, {
      status: 'pass',
      output: `${url} PONG in ${Math.round(o.ms)} ms`,
      observedValue: Math.round(o.ms),
      observedUnit: 'ms',
      perf: latency('redis', o.ms),
    });
  }
  const noauth = /^-(NOAUTH|WRONGPASS)/.test(o.reply);
  return result('redis', 'responseTime', p.at, {
    status: 'fail',
    output: `${url} answered ${o.reply.replace(/^-/, '')}`,
    observedValue: Math.round(o.ms),
    observedUnit: 'ms',
    hint: noauth
      ? "Put Redis's password in REDIS_URL: redis://:password@host:6379 (or redis://user:password@…)."
      : hint,
  });
}

/** The database the daemon keeps its state in, asked directly (PostgreSQL): the time of connect + SELECT 1. */
export function databaseCheck(label: string, p: Probed<{ ms: number }>): CheckResult {
  const hint =
    'Check that PostgreSQL runs and DATABASE_URL is right (kgc-support config shows it, password masked).';
  if (p.kind !== 'ok') return withoutValue('database', 'responseTime', p, 'fail', hint);
  return result('database', 'responseTime', p.at, {
    status: 'pass',
    output: `${label} answers SELECT 1 in ${Math.round(p.value.ms)} ms`,
    observedValue: Math.round(p.value.ms),
    observedUnit: 'ms',
    perf: latency('database', p.value.ms),
  });
}

/** The embedded store (or the container's), as the daemon's /ready saw it. */
export function databaseFromReady(p: Probed<HttpOutcome>, what: string): CheckResult {
  const hint =
    'The embedded store is checked through the daemon: start it (kgc-support serve, or kgc-support up --franchise <id>).';
  if (p.kind !== 'ok') return withoutValue('database', 'responseTime', p, 'unknown', hint);
  const o = p.value;
  if (o.kind === 'error')
    return result('database', 'responseTime', p.at, {
      status: 'unknown',
      output: `${what}: checked through the daemon, which does not answer (${o.error})`,
      hint,
      observedValue: null,
    });
  const store = (jsonBody(o) as ReadyBody | undefined)?.checks?.store;
  if (!store)
    return result('database', 'responseTime', p.at, {
      status: 'unknown',
      output: `${what}: the daemon's /ready did not report its store (HTTP ${o.status})`,
      hint,
      observedValue: null,
    });
  if (store.status === 'pass') {
    const ms = store.latency_ms ?? 0;
    return result('database', 'responseTime', p.at, {
      status: 'pass',
      output: `${what} answers the daemon in ${ms} ms`,
      observedValue: ms,
      observedUnit: 'ms',
      perf: latency('database', ms),
    });
  }
  return result('database', 'responseTime', p.at, {
    status: 'fail',
    output: `${what}: ${store.detail ?? 'failing'} (as the daemon sees it)`,
    hint: "See the daemon's log; for PostgreSQL check DATABASE_URL.",
    observedValue: null,
  });
}
