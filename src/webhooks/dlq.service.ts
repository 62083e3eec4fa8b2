/**
 * The dead-letter queue: what could not be delivered (dead) or was refused by its
 * schema (rejected), to list, inspect, replay and purge. Replay puts a dead event
 * back in the queue with the whole retry schedule ahead and the same event id (so
 * Support can dedupe); it never touches an event that was delivered meanwhile.
 */
import type { Ctx } from '../context/context.js';
import { parseSince } from '../audit/audit.service.js';
import { KgcError } from '../errors/kgc-error.js';
import { toEventInfo, type EventRow } from '../events/event-row.js';
import { notifyChange } from '../store/changes.js';
import * as sql from './dlq.queries.js';
import type { DlqListInput, DlqSelector, PurgeResult, ReplayResult } from './dlq.schema.js';
import type { EventInfo } from '../events/events.schema.js';

function window(ctx: Ctx, f: { type?: string; since?: string; until?: string }): [string | null, Date | null, Date | null] {
  const now = ctx.clock.now();
  return [f.type ?? null, f.since ? parseSince(f.since, now, 'since') : null, f.until ? parseSince(f.until, now, 'until') : null];
}

export async function listDlq(ctx: Ctx, input: DlqListInput): Promise<EventInfo[]> {
  const { rows } = await ctx.db.query<EventRow>(sql.LIST, [...window(ctx, input), input.limit ?? 100]);
  const now = ctx.clock.now();
  return rows.map((r) => toEventInfo(r, now));
}

/** The ids a selector names that have one of `statuses`, and why the others named by id are left. */
async function select(ctx: Ctx, s: DlqSelector, statuses: readonly string[], verb: string): Promise<{ ids: string[]; skipped: { id: string; reason: string }[] }> {
  const byFilter = s.type !== undefined || s.since !== undefined || s.until !== undefined || s.all === true;
  if (!s.ids?.length && !byFilter) throw new KgcError('usage', `say what to ${verb}: event ids, --type, --since/--until, or --all`);
  if (s.ids?.length && byFilter) throw new KgcError('usage', 'give event ids or filters (--type, --since, --until, --all), not both');
  if (!s.ids?.length) {
    const { rows } = await ctx.db.query<{ id: string }>(sql.SELECT_IDS, [...window(ctx, s), statuses]);
    return { ids: rows.map((r) => r.id), skipped: [] };
  }
  const { rows } = await ctx.db.query<{ id: string; status: string }>(sql.STATUS_OF, [s.ids]);
  const status = new Map(rows.map((r) => [r.id, r.status]));
  const ids: string[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const id of new Set(s.ids)) {
    const st = status.get(id);
    if (st === undefined) skipped.push({ id, reason: 'not found' });
    else if (statuses.includes(st)) ids.push(id);
    else if (st === 'delivered') skipped.push({ id, reason: 'already delivered' });
    else if (st === 'rejected') skipped.push({ id, reason: 'rejected by its schema: fix the ERP and publish it again' });
    else skipped.push({ id, reason: `${st}, not dead-lettered` });
  }
  return { ids, skipped };
}

export async function replayDlq(ctx: Ctx, input: DlqSelector): Promise<ReplayResult> {
  const { ids, skipped } = await select(ctx, input, ['dead'], 'replay');
  if (input.dry_run || ids.length === 0) return { dry_run: input.dry_run === true, matched: ids.length, replayed: ids, skipped };
  const replayed = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<{ id: string }>(sql.REPLAY, [ids, new Date(ctx.clock.now())]);
    if (rows.length > 0) await notifyChange(q, 'events', 'replay');
    return rows.map((r) => r.id);
  });
  // Between the selection and the update another replay (or a purge) may have taken some.
  const done = new Set(replayed);
  for (const id of ids) if (!done.has(id)) skipped.push({ id, reason: 'no longer dead-lettered' });
  ctx.logger.info({ replayed: replayed.length, actor: ctx.actor }, 'dead-lettered events replayed');
  return { dry_run: false, matched: ids.length, replayed, skipped };
}

export async function purgeDlq(ctx: Ctx, input: DlqSelector): Promise<PurgeResult> {
  const { ids, skipped } = await select(ctx, input, ['dead', 'rejected'], 'purge');
  if (input.dry_run || ids.length === 0) return { dry_run: input.dry_run === true, purged: ids, skipped };
  const { rows } = await ctx.db.query<{ id: string }>(sql.PURGE, [ids]);
  ctx.logger.info({ purged: rows.length, actor: ctx.actor }, 'dead-lettered events purged');
  return { dry_run: false, purged: rows.map((r) => r.id), skipped };
}
