/**
 * Checks of what the store knows (from the daemon, or from PostgreSQL directly): the
 * DLQ depth, the oldest undelivered event, keys about to expire, the webhook secret's
 * age, and the daemon's own view of Support (its lifecycle state, held deliveries).
 */
import { installerKeyOf } from '../../keys/installer-keys.js';
import { levelOf, type Threshold } from '../../config/threshold.js';
import type { HealthFacts, LifecycleView } from '../health.schema.js';
import type { Probed } from '../probed.js';
import { humanDuration, type CheckResult, type HealthStatus } from '../report.js';
import { result, withoutValue } from './services.js';

export interface Thresholds {
  readonly dlq: Threshold;
  readonly pendingAge: Threshold;
  readonly keyExpiry: Threshold;
  readonly secretAge: Threshold;
}

export interface DaemonFacts {
  readonly facts: HealthFacts;
  /** The daemon's view of Support; null when the facts came from the database (no daemon). */
  readonly lifecycle: LifecycleView | null;
  /** Where they came from, for people: "the daemon (admin socket)", "PostgreSQL"… */
  readonly source: string;
}

const STATUS_OF_LEVEL: Record<'ok' | 'warn' | 'crit', HealthStatus> = {
  ok: 'pass',
  warn: 'warn',
  crit: 'fail',
};

function limits(t: Threshold, scale: number): { warn?: number; crit?: number } {
  return {
    ...(t.warn !== undefined ? { warn: Math.round(t.warn / scale) } : {}),
    ...(t.crit !== undefined ? { crit: Math.round(t.crit / scale) } : {}),
  };
}

function describeLimits(t: Threshold, fmt: (v: number) => string): string {
  const parts = [
    ...(t.warn !== undefined ? [`warn ${fmt(t.warn)}`] : []),
    ...(t.crit !== undefined ? [`crit ${fmt(t.crit)}`] : []),
  ];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function dlqCheck(f: DaemonFacts, t: Thresholds, at: number): CheckResult {
  const depth = f.facts.events.dead + f.facts.events.rejected;
  const status = STATUS_OF_LEVEL[levelOf(depth, t.dlq)];
  return result('webhooks', 'dlqDepth', at, {
    status,
    observedValue: depth,
    observedUnit: 'events',
    output: `${depth} event(s) in the dead-letter queue (${f.facts.events.dead} dead, ${f.facts.events.rejected} rejected)${describeLimits(t.dlq, String)}`,
    hint: 'See them: kgc-support dlq list; after fixing the cause: kgc-support dlq replay --all',
    perf: { label: 'dlq_depth', value: depth, uom: '', min: 0, ...limits(t.dlq, 1) },
  });
}

export function pendingAgeCheck(f: DaemonFacts, t: Thresholds, at: number): CheckResult {
  const ageS = f.facts.events.oldest_pending_age_s ?? 0;
  const status = STATUS_OF_LEVEL[levelOf(ageS * 1000, t.pendingAge)];
  const pending = f.facts.events.pending;
  return result('webhooks', 'oldestPendingAge', at, {
    status,
    observedValue: Math.round(ageS),
    observedUnit: 's',
    output:
      pending === 0
        ? 'no event waits for delivery'
        : `${pending} event(s) wait; the oldest for ${humanDuration(ageS * 1000)}${describeLimits(t.pendingAge, humanDuration)}`,
    hint: 'Events wait while Support is unreachable or failing: see the Support checks above and kgc-support events show <id>.',
    perf: {
      label: 'oldest_pending_age',
      value: Math.round(ageS),
      uom: 's',
      min: 0,
      ...limits(t.pendingAge, 1000),
    },
  });
}

export function deliveriesCheck(f: DaemonFacts, at: number): CheckResult {
  const e = f.facts.events;
  if (!f.lifecycle) {
    return result('webhooks', 'deliveries', at, {
      status: 'unknown',
      output: `no daemon is running: nothing delivers the ${e.pending} waiting event(s)`,
      observedValue: null,
      hint: 'Start the daemon: kgc-support serve (or kgc-support up --franchise <id>).',
    });
  }
  if (!f.facts.module_enabled)
    return result('webhooks', 'deliveries', at, {
      status: 'pass',
      output: 'module off: events are recorded as skipped, none is sent',
      observedValue: 'skipped',
    });
  if (f.lifecycle.deliveries_held) {
    return result('webhooks', 'deliveries', at, {
      status: 'warn',
      observedValue: 'held',
      output: `held: Support does not answer; ${e.pending} event(s) wait and are sent when it is back (none is lost)`,
      hint: 'Bring the chatbot back (kgc-support status, kgc-support logs --service support-chatbot); deliveries resume by themselves.',
    });
  }
  return result('webhooks', 'deliveries', at, {
    status: 'pass',
    output: `flowing (${e.pending} pending, ${e.in_flight} in flight)`,
    observedValue: 'flowing',
  });
}

export function keysCheck(f: DaemonFacts, t: Thresholds, at: number, now: number): CheckResult {
  const keys = f.facts.keys_expiring;
  const first = keys[0];
  const window = humanDuration(f.facts.key_expiry_window_s * 1000);
  if (!first) {
    return result('api-keys', 'expiring', at, {
      status: 'pass',
      output: `no active API key expires within ${window}`,
      observedValue: 0,
      observedUnit: 'keys',
      perf: { label: 'keys_expiring', value: 0, uom: '', min: 0 },
    });
  }
  const leftMs = Date.parse(first.expires_at) - now;
  const status = STATUS_OF_LEVEL[levelOf(leftMs, t.keyExpiry)];
  // An installer's key lives in secrets.env: its rotation is the one command that also updates its consumer.
  const installer = installerKeyOf(first.name);
  const rotate = installer
    ? `kgc-support keys rotate ${installer} --franchise <id> (writes it into secrets.env and recreates its consumer)`
    : `kgc-support keys rotate ${first.id} (then give the new key to its user)`;
  return result('api-keys', 'expiring', at, {
    status,
    observedValue: keys.length,
    observedUnit: 'keys',
    output: `${keys.length} key(s) expire within ${window}; the first, ${first.id} (${first.name}), in ${humanDuration(leftMs)}`,
    hint: `Rotate it before it expires: ${rotate}; list: kgc-support keys expiring --within ${window.replace(' ', '')}`,
    perf: { label: 'keys_expiring', value: keys.length, uom: '', min: 0 },
  });
}

export function secretAgeCheck(f: DaemonFacts, t: Thresholds, at: number): CheckResult {
  const s = f.facts.webhook_secret;
  if (!s) {
    return result('webhook-secret', 'age', at, {
      status: 'warn',
      output: 'no current webhook secret yet',
      observedValue: null,
      hint: 'The daemon makes one when it starts (from SUPPORT_WEBHOOK_SECRET, or a generated one).',
    });
  }
  const status = STATUS_OF_LEVEL[levelOf(s.age_s * 1000, t.secretAge)];
  return result('webhook-secret', 'age', at, {
    status,
    observedValue: s.age_s,
    observedUnit: 's',
    output: `current secret ${s.id} (${s.source}) is ${humanDuration(s.age_s * 1000)} old${describeLimits(t.secretAge, humanDuration)}`,
    hint: 'Rotate it: kgc-support secrets rotate-webhook (the old one keeps signing for a grace period; give Support the new one).',
    perf: {
      label: 'webhook_secret_age',
      value: s.age_s,
      uom: 's',
      min: 0,
      ...limits(t.secretAge, 1000),
    },
  });
}

const STATE_STATUS: Record<LifecycleView['state'], HealthStatus> = {
  HEALTHY: 'pass',
  ACTIVE: 'pass',
  DISCOVERY: 'pass',
  DEGRADED: 'warn',
  DISABLED: 'warn',
  DOWN: 'fail',
};

/** The daemon's own, periodic view of Support (seed 3.2). */
export function lifecycleCheck(f: DaemonFacts, at: number): CheckResult {
  const l = f.lifecycle;
  if (!l) {
    return result('support-module', 'state', at, {
      status: f.facts.module_enabled ? 'unknown' : 'warn',
      observedValue: f.facts.module_enabled ? null : 'DISABLED',
      output: f.facts.module_enabled
        ? 'module on; no daemon is running to watch Support'
        : 'module switched off (kgc-support enable)',
      hint: f.facts.module_enabled
        ? 'Start the daemon: kgc-support serve.'
        : 'Switch it on: kgc-support enable',
    });
  }
  const checked = l.checked_at
    ? `, checked ${humanDuration(at - Date.parse(l.checked_at))} ago`
    : '';
  return result('support-module', 'state', at, {
    status: STATE_STATUS[l.state],
    observedValue: l.state,
    output: `${l.state} since ${l.since}${checked}: ${l.detail} (answered by ${f.source})`,
    hint:
      l.state === 'DISABLED'
        ? 'Switch it on: kgc-support enable'
        : 'The checks of support-chatbot, support-context and chatwoot above say what fails.',
  });
}

/** Every facts check, or each as unknown with the reason the facts are missing. */
export function factsChecks(p: Probed<DaemonFacts>, t: Thresholds, now: number): CheckResult[] {
  if (p.kind !== 'ok') {
    // Said once, in full; the other facts point at it.
    const first = withoutValue(
      'support-module',
      'state',
      p.kind === 'unset' ? { kind: 'error', at: p.at, error: p.why } : p,
      'unknown',
      'These facts come from the running daemon, or from PostgreSQL (DATABASE_URL) when no daemon runs.',
    );
    const rest: [string, string][] = [
      ['webhooks', 'deliveries'],
      ['webhooks', 'dlqDepth'],
      ['webhooks', 'oldestPendingAge'],
      ['api-keys', 'expiring'],
      ['webhook-secret', 'age'],
    ];
    return [
      first,
      ...rest.map(([c, m]) =>
        result(c, m, p.at, {
          status: 'unknown',
          output: 'not known: see support-module:state',
          observedValue: null,
        }),
      ),
    ];
  }
  const f = p.value;
  return [
    lifecycleCheck(f, p.at),
    deliveriesCheck(f, p.at),
    dlqCheck(f, t, p.at),
    pendingAgeCheck(f, t, p.at),
    keysCheck(f, t, p.at, now),
    secretAgeCheck(f, t, p.at),
  ];
}
