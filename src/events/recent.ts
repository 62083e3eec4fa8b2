/**
 * The latest events and how their delivery stands, newest first: what the admin
 * page shows under "recent events" (and any admin API client). Filters by status
 * and type; never the payload (EventInfo), so the list holds no personal data.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Ctx } from '../context/context.js';
import { defineOp } from '../ops/op.js';
import { EVENT_COLUMNS, toEventInfo, type EventRow } from './event-row.js';
import { EventInfo, EventStatus } from './events.schema.js';

export const ListEventsInput = Type.Object({
  status: Type.Optional(EventStatus),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
});
export type ListEventsInput = Static<typeof ListEventsInput>;

/** Walks events_seq_idx backwards (migration 007) and stops at the limit. */
const RECENT = `
  SELECT ${EVENT_COLUMNS} FROM kgc_support.events
  WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR type = $2)
  ORDER BY seq DESC LIMIT $3`;

export async function listEvents(ctx: Ctx, input: ListEventsInput): Promise<EventInfo[]> {
  const { rows } = await ctx.db.query<EventRow>(RECENT, [
    input.status ?? null,
    input.type ?? null,
    input.limit ?? 50,
  ]);
  const now = ctx.clock.now();
  return rows.map((r) => toEventInfo(r, now));
}

export const eventsList = defineOp({
  name: 'events.list',
  summary: 'The latest events and their delivery, newest first',
  mutates: false,
  input: ListEventsInput,
  output: Type.Array(EventInfo),
  run: listEvents,
});
