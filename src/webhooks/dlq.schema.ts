import { Type, type Static } from '@sinclair/typebox';
import { EventInfo } from '../events/events.schema.js';

/** Which dead-lettered events: by id, or by type and publish time window, or all. */
export const DlqSelector = Type.Object({
  ids: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 10_000 }),
  ),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  since: Type.Optional(
    Type.String({
      description: 'Published since: a duration back from now (1h, 7d) or an ISO time',
    }),
  ),
  until: Type.Optional(
    Type.String({ description: 'Published before: a duration back from now or an ISO time' }),
  ),
  all: Type.Optional(Type.Boolean()),
  dry_run: Type.Optional(Type.Boolean({ default: false })),
});
export type DlqSelector = Static<typeof DlqSelector>;

export const DlqListInput = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 64 })),
  since: Type.Optional(Type.String()),
  until: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 100 })),
});
export type DlqListInput = Static<typeof DlqListInput>;

export const DlqList = Type.Array(EventInfo);

const Skipped = Type.Array(Type.Object({ id: Type.String(), reason: Type.String() }));

export const ReplayResult = Type.Object({
  dry_run: Type.Boolean(),
  matched: Type.Integer(),
  /** Replayed (or, with dry_run, would be): pending again, the schedule from the start. */
  replayed: Type.Array(Type.String()),
  /** Not replayed: already delivered, still pending, unknown, or rejected and still failing its schema (with the reason). */
  skipped: Skipped,
});
export type ReplayResult = Static<typeof ReplayResult>;

export const PurgeResult = Type.Object({
  dry_run: Type.Boolean(),
  purged: Type.Array(Type.String()),
  skipped: Skipped,
});
export type PurgeResult = Static<typeof PurgeResult>;
