/** Shapes of publishing and of an event's record, for the API, the ops and the CLI. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DATE_TIME_PATTERN } from './catalogue.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });

export const EVENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

/** What the ERP sends: the envelope Support will receive, id and time optional. */
export const PublishInput = Type.Object({
  id: Type.Optional(
    Type.String({
      pattern: EVENT_ID_PATTERN,
      description: 'Your id for the event (idempotency); generated when absent',
      examples: ['evt_9f2c1e'],
    }),
  ),
  event: Type.String({ minLength: 1, maxLength: 64, examples: ['order.arrived'] }),
  occurred_at: Type.Optional(
    Type.String({ pattern: DATE_TIME_PATTERN, description: 'When it happened; now when absent' }),
  ),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The payload: its schema depends on the event type',
  }),
});
export type PublishInput = Static<typeof PublishInput>;

export const EventStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('dead'),
  Type.Literal('skipped'),
  Type.Literal('rejected'),
]);
export type EventStatus = Static<typeof EventStatus>;

export const EventSource = Type.Union([
  Type.Literal('api'),
  Type.Literal('outbox'),
  Type.Literal('cli'),
  Type.Literal('daemon'),
]);
export type EventSource = Static<typeof EventSource>;

/** An event's record: never its payload (see EventDetail), so lists stay free of personal data. */
export const EventInfo = Type.Object({
  id: Type.String(),
  event: Type.String(),
  status: EventStatus,
  source: Type.String(),
  occurred_at: Iso,
  created_at: Iso,
  in_flight: Type.Boolean({ description: 'A daemon is delivering it right now' }),
  attempts: Type.Integer(),
  failures: Type.Integer(),
  next_attempt_at: Nullable(Iso),
  delivered_at: Nullable(Iso),
  dead_at: Nullable(Iso),
  last_status: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  replays: Type.Integer(),
});
export type EventInfo = Static<typeof EventInfo>;

export const PublishResult = Type.Object({ event: EventInfo, replayed: Type.Boolean() });
export type PublishResult = Static<typeof PublishResult>;

export const AttemptInfo = Type.Object({
  attempt: Type.Integer(),
  at: Iso,
  url: Type.String(),
  outcome: Type.Union([
    Type.Literal('delivered'),
    Type.Literal('retry'),
    Type.Literal('dead'),
    Type.Literal('held'),
  ]),
  status: Nullable(Type.Integer()),
  duration_ms: Type.Number(),
  response: Nullable(Type.String()),
  error: Nullable(Type.String()),
  worker: Type.String(),
});
export type AttemptInfo = Static<typeof AttemptInfo>;

export const EventDetail = Type.Object({
  event: EventInfo,
  data: Type.Unknown(),
  history: Type.Array(AttemptInfo),
});
export type EventDetail = Static<typeof EventDetail>;

/** The queue at a glance: for /metrics, `health` (issue 5) and `status`. */
export const EventStats = Type.Object({
  pending: Type.Integer({ description: 'Waiting for delivery, in flight included' }),
  in_flight: Type.Integer(),
  dead: Type.Integer({ description: 'The dead-letter queue depth' }),
  rejected: Type.Integer(),
  oldest_pending_at: Nullable(Iso),
  oldest_pending_age_s: Nullable(Type.Number()),
});
export type EventStats = Static<typeof EventStats>;

export const EventIdInput = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
