/**
 * The dead-letter queue: what could not be delivered (dead: retries exhausted, or
 * expired: older than KGC_SUPPORT_EVENT_MAX_AGE) or was refused by its schema
 * (rejected, its payload kept), to list, inspect, replay and purge. Replay puts a
 * dead event back in the queue with the whole retry schedule ahead and the same
 * event id (so Support can dedupe), an expired one included: replaying is the
 * explicit "send it anyway". A rejected event is validated again against today's
 * schema: it goes out when it passes, else it stays rejected with the new reason.
 * Replay never touches an event that was delivered meanwhile.
 */
import type { Ctx } from '../context/context.js';
import { parseSince } from '../audit/audit.service.js';
import { KgcError } from '../errors/kgc-error.js';
import { envelopeBody } from '../events/catalogue.js';
import { toEventInfo, type EventRow } from '../events/event-row.js';
import { normaliseSeedForms, payloadProblem } from '../events/events.service.js';
import type { SeedFormResult } from '../events/seed-forms.js';
import { notifyChange } from '../store/changes.js';
import * as sql from './dlq.queries.js';
import type { DlqListInput, DlqSelector, PurgeResult, ReplayResult } from './dlq.schema.js';
import type { EventInfo } from '../events/events.schema.js';

function window(
  ctx: Ctx,
  f: { type?: string; since?: string; until?: string },
): [string | null, Date | null, Date | null] {
  const now = ctx.clock.now();
  return [
    f.type ?? null,
    f.since ? parseSince(f.since, now, 'since') : null,
    f.until ? parseSince(f.until, now, 'until') : null,
  ];
}

export async function listDlq(ctx: Ctx, input: DlqListInput): Promise<EventInfo[]> {
  const { rows } = await ctx.db.query<EventRow>(sql.LIST, [
    ...window(ctx, input),
    input.limit ?? 100,
  ]);
  const now = ctx.clock.now();
  return rows.map((r) => toEventInfo(r, now));
}

/** The ids a selector names that have one of `statuses`, and why the others named by id are left. */
async function select(
  ctx: Ctx,
  s: DlqSelector,
  statuses: readonly string[],
  verb: string,
): Promise<{ ids: string[]; skipped: { id: string; reason: string }[] }> {
  const byFilter =
    s.type !== undefined || s.since !== undefined || s.until !== undefined || s.all === true;
  if (!s.ids?.length && !byFilter)
    throw new KgcError(
      'usage',
      `say what to ${verb}: event ids, --type, --since/--until, or --all`,
    );
  if (s.ids?.length && byFilter)
    throw new KgcError(
      'usage',
      'give event ids or filters (--type, --since, --until, --all), not both',
    );
  if (!s.ids?.length) {
    const { rows } = await ctx.db.query<{ id: string }>(sql.SELECT_IDS, [
      ...window(ctx, s),
      statuses,
    ]);
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
    else skipped.push({ id, reason: `${st}, not dead-lettered` });
  }
  return { ids, skipped };
}

interface Revalidated {
  id: string;
  data: unknown;
  body: string;
}

/**
 * Runs the kept payloads of the rejected events among `ids` through the publishing
 * path again (seed forms, then the schema of today): which now pass, which still fail.
 */
async function revalidate(
  ctx: Ctx,
  ids: readonly string[],
): Promise<{ valid: Revalidated[]; invalid: { id: string; reason: string }[] }> {
  const { rows } = await ctx.db.query<{
    id: string;
    type: string;
    occurred_at: Date;
    data: unknown;
  }>(sql.REJECTED_PAYLOADS, [ids]);
  const normalised = await normaliseSeedForms(
    ctx.erp,
    rows.map((r) => ({ type: r.type, data: r.data })),
  );
  const valid: Revalidated[] = [];
  const invalid: { id: string; reason: string }[] = [];
  rows.forEach((r, i) => {
    const n = normalised[i] as SeedFormResult;
    const problem = n.problem !== undefined ? n.problem : payloadProblem(r.type, n.data)?.message;
    if (problem !== undefined) invalid.push({ id: r.id, reason: `rejected: ${problem}` });
    else
      valid.push({
        id: r.id,
        data: n.data,
        body: envelopeBody({ id: r.id, type: r.type, occurredAt: r.occurred_at, data: n.data }),
      });
  });
  return { valid, invalid };
}

export async function replayDlq(ctx: Ctx, input: DlqSelector): Promise<ReplayResult> {
  const { ids, skipped } = await select(ctx, input, ['dead', 'rejected'], 'replay');
  const { valid, invalid } = await revalidate(ctx, ids);
  const failing = new Set(invalid.map((r) => r.id));
  const wanted = ids.filter((id) => !failing.has(id));
  for (const r of invalid) skipped.push({ id: r.id, reason: `still ${r.reason}` });
  if (input.dry_run || ids.length === 0)
    return { dry_run: input.dry_run === true, matched: ids.length, replayed: wanted, skipped };
  const now = new Date(ctx.clock.now());
  const replayed = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<{ id: string }>(sql.REPLAY, [wanted, now]);
    const accepted =
      valid.length === 0
        ? []
        : (
            await q.query<{ id: string }>(sql.ACCEPT_REJECTED, [
              valid.map((v) => v.id),
              valid.map((v) => JSON.stringify(v.data)),
              valid.map((v) => v.body),
              now,
            ])
          ).rows;
    if (invalid.length > 0)
      await q.query(sql.STILL_REJECTED, [invalid.map((r) => r.id), invalid.map((r) => r.reason)]);
    const all = [...rows, ...accepted].map((r) => r.id);
    if (all.length > 0) await notifyChange(q, 'events', 'replay');
    return all;
  });
  for (const r of invalid)
    ctx.logger.warn(
      { eventId: r.id, reason: r.reason },
      'replayed event still fails its schema: it stays rejected',
    );
  // Between the selection and the update another replay (or a purge) may have taken some.
  const done = new Set(replayed);
  for (const id of wanted)
    if (!done.has(id)) skipped.push({ id, reason: 'no longer dead-lettered' });
  ctx.logger.info({ replayed: replayed.length, actor: ctx.actor }, 'dead-lettered events replayed');
  return { dry_run: false, matched: ids.length, replayed, skipped };
}

export async function purgeDlq(ctx: Ctx, input: DlqSelector): Promise<PurgeResult> {
  const { ids, skipped } = await select(ctx, input, ['dead', 'rejected'], 'purge');
  if (input.dry_run || ids.length === 0)
    return { dry_run: input.dry_run === true, purged: ids, skipped };
  const { rows } = await ctx.db.query<{ id: string }>(sql.PURGE, [ids]);
  ctx.logger.info({ purged: rows.length, actor: ctx.actor }, 'dead-lettered events purged');
  return { dry_run: false, purged: rows.map((r) => r.id), skipped };
}
