/**
 * Retention (storage limitation, GDPR art. 5(1)(e), and a franchise server's small
 * disk): every kind of record the daemon keeps has a period (a setting); `pruneExpired`
 * deletes what is past it, kind by kind, in short chunks, and notes the run in the
 * store; `retentionView` says what is held and when it goes. Backups are files, not
 * rows: they are listed with a note (`kgc-support backup` writes them; pruning them is
 * the release's keep rule, issue 22).
 */
import type { Config } from '../config/settings.js';
import { formatDuration } from '../config/duration.js';
import type { Ctx } from '../context/context.js';
import * as sql from './retention.queries.js';
import {
  KINDS,
  type Kind,
  type KindView,
  type PruneResult,
  type RetentionView,
} from './retention.schema.js';

interface Spec {
  readonly what: string;
  readonly setting: string;
  readonly period: (c: Config) => number;
  readonly remove: string;
}

export const SPECS: Readonly<Record<Kind, Spec>> = {
  delivered_events: {
    what: 'delivered and skipped events, their payloads and attempts',
    setting: 'KGC_SUPPORT_EVENT_RETENTION',
    period: (c) => c.eventRetentionMs,
    remove: sql.DELETE_DELIVERED,
  },
  dead_events: {
    what: 'dead and rejected events (the DLQ), their payloads and attempts',
    setting: 'KGC_SUPPORT_DLQ_RETENTION',
    period: (c) => c.dlqRetentionMs,
    remove: sql.DELETE_DEAD,
  },
  delivery_attempts: {
    what: "delivery attempts with Support's stored answers",
    setting: 'KGC_SUPPORT_ATTEMPT_RETENTION',
    period: (c) => c.attemptRetentionMs,
    remove: sql.DELETE_ATTEMPTS,
  },
  audit_log: {
    what: 'audit log rows (API calls, admin actions, notifications)',
    setting: 'KGC_SUPPORT_AUDIT_RETENTION',
    period: (c) => c.auditRetentionMs,
    remove: sql.DELETE_AUDIT,
  },
  gdpr_receipts: {
    what: 'completed erasure requests and their receipts (a keyed hash, no personal data)',
    setting: 'KGC_GDPR_RECEIPT_RETENTION',
    period: (c) => c.receiptRetentionMs,
    remove: sql.DELETE_RECEIPTS,
  },
  booking_replies: {
    what: 'booking replies kept for Idempotency-Key replays',
    setting: 'KGC_SUPPORT_REPLY_RETENTION',
    period: (c) => c.replyRetentionMs,
    remove: sql.DELETE_REPLIES,
  },
};

const CHUNK = 5_000;
const RUN = '*';

/** Deletes, kind by kind, what is past its period; a kind that fails does not stop the others. */
export async function pruneExpired(
  ctx: Pick<Ctx, 'db' | 'clock' | 'config' | 'logger'>,
  chunk = CHUNK,
): Promise<PruneResult> {
  const now = ctx.clock.now();
  const deleted: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const kind of KINDS) {
    const spec = SPECS[kind];
    const cutoff = new Date(now - spec.period(ctx.config));
    deleted[kind] = 0;
    try {
      for (;;) {
        const { rows } = await ctx.db.query<{ n: number }>(spec.remove, [cutoff, chunk]);
        const n = rows[0]?.n ?? 0;
        deleted[kind] += n;
        if (n < chunk) break;
      }
    } catch (err) {
      const e = err as { code?: string; message?: string };
      errors[kind] = `${e.code ?? 'error'}: ${e.message ?? ''}`.slice(0, 300);
    }
  }
  const ranAt = new Date(now);
  const kinds = [...KINDS, RUN];
  const ok = Object.keys(errors).length === 0;
  await ctx.db.query(sql.RECORD_RUN, [
    kinds,
    kinds.map(() => ranAt),
    kinds.map((k) => (k === RUN ? ok : errors[k] === undefined)),
    kinds.map((k) => (k === RUN ? Object.values(deleted).reduce((a, b) => a + b, 0) : deleted[k])),
    kinds.map((k) =>
      k === RUN ? (ok ? null : Object.keys(errors).join(', ')) : (errors[k] ?? null),
    ),
  ]);
  const total = Object.values(deleted).reduce((a, b) => a + b, 0);
  if (!ok) ctx.logger.warn({ errors }, 'retention: some kinds could not be pruned');
  else if (total > 0) ctx.logger.info({ deleted }, 'retention: deleted what was past its period');
  return { ran_at: ranAt.toISOString(), ok, deleted, errors };
}

interface RunRow {
  kind: string;
  ran_at: Date;
  ok: boolean;
  deleted: number;
  error: string | null;
}

/** What is held of each kind, since when, when the oldest goes, and the last run. */
export async function retentionView(ctx: Pick<Ctx, 'db' | 'config'>): Promise<RetentionView> {
  const held = new Map(
    (await ctx.db.query<{ kind: Kind; n: number; oldest: Date | null }>(sql.HELD)).rows.map((r) => [
      r.kind,
      r,
    ]),
  );
  const runs = new Map(
    (await ctx.db.query<RunRow>(sql.RUNS)).rows.map((r) => [r.kind, r] as const),
  );
  const lastRun = (k: string): KindView['last_run'] => {
    const r = runs.get(k);
    return r
      ? { ran_at: r.ran_at.toISOString(), ok: r.ok, deleted: r.deleted, error: r.error }
      : null;
  };
  const kinds: KindView[] = KINDS.map((kind) => {
    const spec = SPECS[kind];
    const period = spec.period(ctx.config);
    const h = held.get(kind);
    return {
      kind,
      what: spec.what,
      setting: spec.setting,
      kept_for: formatDuration(period),
      held: h?.n ?? 0,
      oldest_at: h?.oldest ? h.oldest.toISOString() : null,
      next_goes_at: h?.oldest ? new Date(h.oldest.getTime() + period).toISOString() : null,
      last_run: lastRun(kind),
      note: null,
    };
  });
  kinds.push({
    kind: 'backups',
    what: 'backups of the daemon store (kgc-support backup)',
    setting: null,
    kept_for: null,
    held: null,
    oldest_at: null,
    next_goes_at: null,
    last_run: null,
    note: 'files in the backup directory: kgc-support does not prune them yet (kept until deleted by hand)',
  });
  return {
    every: formatDuration(ctx.config.retentionIntervalMs),
    last_run_at: runs.get(RUN)?.ran_at.toISOString() ?? null,
    kinds,
  };
}
