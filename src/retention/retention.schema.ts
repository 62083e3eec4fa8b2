/** Shapes of retention: what is held and when it goes, and what a pruning run deleted. */
import { Type, type Static } from '@sinclair/typebox';

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** The kinds of record the retention job deletes past their period. */
export const KINDS = [
  'delivered_events',
  'dead_events',
  'delivery_attempts',
  'audit_log',
  'gdpr_receipts',
  'booking_replies',
] as const;
export type Kind = (typeof KINDS)[number];

export const KindView = Type.Object({
  kind: Type.String({ examples: ['delivered_events'] }),
  what: Type.String({ description: 'The records, in words' }),
  setting: Nullable(Type.String({ description: 'The setting of its period' })),
  kept_for: Nullable(Type.String({ examples: ['30d'] })),
  held: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  oldest_at: Nullable(Iso),
  next_goes_at: Nullable(
    Type.String({
      format: 'date-time',
      description: 'When the oldest record is past its period (the next run after it deletes it)',
    }),
  ),
  last_run: Type.Union([
    Type.Object({
      ran_at: Iso,
      ok: Type.Boolean(),
      deleted: Type.Integer({ minimum: 0 }),
      error: Nullable(Type.String()),
    }),
    Type.Null(),
  ]),
  note: Nullable(Type.String()),
});
export type KindView = Static<typeof KindView>;

export const RetentionView = Type.Object({
  every: Type.String({
    description: 'How often the daemon prunes (KGC_SUPPORT_RETENTION_INTERVAL)',
  }),
  last_run_at: Nullable(Iso),
  kinds: Type.Array(KindView),
});
export type RetentionView = Static<typeof RetentionView>;

export const PruneResult = Type.Object({
  ran_at: Iso,
  ok: Type.Boolean({ description: 'Every kind was pruned' }),
  deleted: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  errors: Type.Record(Type.String(), Type.String()),
});
export type PruneResult = Static<typeof PruneResult>;
