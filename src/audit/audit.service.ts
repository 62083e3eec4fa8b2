import type { Ctx } from '../context/context.js';
import { parseDuration } from '../config/duration.js';
import { KgcError } from '../errors/kgc-error.js';
import * as sql from './audit.queries.js';
import type { AuditQuery, AuditRow } from './audit.schema.js';

/** One API call, as the writer buffers it. Never the key itself, never a phone or a name. */
export interface AuditEntry {
  /** Epoch milliseconds (no Date on the hot path). */
  at: number;
  requestId: string;
  keyId: string | null;
  method: string;
  route: string;
  resourceId: string | null;
  status: number;
  latencyMs: number;
}

// A NUL or a lone UTF-16 surrogate: text PostgreSQL refuses (in jsonb and in text).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A caller's text as an audit row can hold it: what PostgreSQL would refuse becomes
 * U+FFFD, and a value that is not text is written as JSON. A request refused for a
 * NUL in its URL is still audited, and one such row must not fail the batch that
 * carries every other caller's rows.
 */
const storable = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  // A route's resource comes from the raw request: a repeated query parameter is an array.
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.replace(UNSTORABLE, '\uFFFD');
};

/** Writes a batch of API audit rows in one statement and bumps the keys' last use. */
export async function writeAuditBatch(
  ctx: Pick<Ctx, 'db'>,
  rows: readonly AuditEntry[],
): Promise<void> {
  if (rows.length === 0) return;
  const lastUse = new Map<string, number>();
  const json = JSON.stringify(
    rows.map((r) => {
      if (r.keyId) lastUse.set(r.keyId, r.at);
      return [
        r.at,
        'api',
        storable(r.requestId),
        r.keyId,
        null,
        storable(r.method),
        storable(r.route),
        storable(r.resourceId),
        r.status,
        r.latencyMs,
      ];
    }),
  );
  await ctx.db.tx(async (q) => {
    await q.query(sql.INSERT_BATCH, [json]);
    if (lastUse.size > 0)
      await q.query(sql.TOUCH_KEYS, [
        [...lastUse.keys()],
        [...lastUse.values()].map((ms) => new Date(ms)),
      ]);
  });
}

export interface AdminAction {
  action: string;
  resourceId: string | undefined;
  status: number;
  latencyMs: number;
}

/** Records a state change made through the CLI or the admin API, straight away. */
export async function recordAdminAction(ctx: Ctx, a: AdminAction): Promise<void> {
  await ctx.db.query(sql.INSERT_BATCH, [
    JSON.stringify([
      [
        ctx.clock.now(),
        'admin',
        null,
        null,
        ctx.actor,
        null,
        a.action,
        a.resourceId ?? null,
        a.status,
        a.latencyMs,
      ],
    ]),
  ]);
}

/** "1h" → an hour ago; an ISO time → that time. */
export function parseSince(text: string, now: number, what = 'since'): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const d = new Date(text);
    if (Number.isNaN(d.getTime()))
      throw new KgcError('bad_request', `${what}: "${text}" is not a valid time`);
    return d;
  }
  return new Date(now - parseDuration(text, what));
}

export async function queryAudit(ctx: Ctx, q: AuditQuery): Promise<AuditRow[]> {
  const now = ctx.clock.now();
  const since = parseSince(q.since ?? '24h', now, 'since');
  const until = q.until ? parseSince(q.until, now, 'until') : null;
  const { rows } = await ctx.db.query<Omit<AuditRow, 'at'> & { at: Date }>(sql.SELECT_ROWS, [
    since,
    until,
    q.key ?? null,
    q.route ?? null,
    q.kind ?? null,
    q.status ?? null,
    q.limit ?? 100,
    q.resource ?? null,
  ]);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
