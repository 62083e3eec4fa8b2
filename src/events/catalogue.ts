/**
 * The events the ERP publishes and Support receives (DESIGN.md 6, seed 2 and 4.1):
 * their names, the path name each is delivered to, and a closed schema for each
 * payload. Closed means a field that is not listed is refused, so a column added to
 * the ERP can never reach Support by accident (seed 8.2). `customer.deleted` stays
 * thin: the id and the reason, nothing that would identify the erased person.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Id = (example: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
    examples: [example],
  });
// Patterns, not `format`: the same check runs in Fastify, the CLI and the outbox drain.
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2025-12-30'] });
export const DATE_TIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const DateTime = Type.String({ pattern: DATE_TIME_PATTERN, examples: ['2025-12-30T17:00:00Z'] });
const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', examples: ['+36301234567'] });
const Text = (max: number) => Type.String({ maxLength: max });
const closed = { additionalProperties: false } as const;
/** The ERP's own status of the rental or worklog, passed on as the ERP said it (seed 2.1, 2.2). */
const ErpStatus = Type.Optional(
  Type.String({
    maxLength: 40,
    description: "The ERP's status of the rental or worklog, as the ERP gave it",
    examples: ['diagnosztika'],
  }),
);

/**
 * Who the event is about: enough for Support to find the conversation, no more. The
 * id, or the phone alone when the event came in the seed's form (`customer_phone`)
 * and no single ERP customer has that phone; one of the two is required (checked
 * beside the schema, see payloadProblem).
 */
export const EventCustomer = Type.Object(
  {
    id: Type.Optional(Id('C-123')),
    name: Type.Optional(Text(200)),
    phone: Type.Optional(Phone),
    email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  },
  closed,
);

const Machine = Type.Object({ id: Type.Optional(Id('MAK-TV01')), name: Text(200) }, closed);

export const PAYLOADS = {
  'rental.started': Type.Object(
    {
      rental_id: Id('R-2025-001'),
      customer: EventCustomer,
      machine: Machine,
      rental_start: DateOnly,
      rental_end: DateOnly,
      location_id: Type.Optional(Id('BP-01')),
      status: ErpStatus,
    },
    closed,
  ),
  'rental.ended': Type.Object(
    {
      rental_id: Id('R-2025-001'),
      customer: EventCustomer,
      machine: Type.Optional(Machine),
      returned_on: Type.Optional(DateOnly),
      late_days: Type.Optional(Type.Integer({ minimum: 0 })),
      satisfaction_survey: Type.Boolean({
        description: 'Whether Support should send the satisfaction survey',
      }),
      status: ErpStatus,
    },
    closed,
  ),
  'service.quote_ready': Type.Object(
    {
      worklog_id: Id('M-2025-0123'),
      customer: EventCustomer,
      machine: Type.Optional(Text(200)),
      quote_amount: Type.Integer({ minimum: 0, description: 'HUF' }),
      technician_notes: Type.Optional(Text(2000)),
      // The seed's 2.2 data exchange gives the day only ("2025-12-30"); the Pull API's 4.2
      // answer gives a time. Both are passed on as the ERP said them, never a time invented.
      estimated_completion: Type.Optional(
        Type.Union([DateTime, DateOnly], {
          description: 'When the repair should be done: a date-time, or only the day',
        }),
      ),
      status: ErpStatus,
    },
    closed,
  ),
  'service.repair_done': Type.Object(
    {
      worklog_id: Id('M-2025-0123'),
      customer: EventCustomer,
      machine: Type.Optional(Text(200)),
      quote_amount: Type.Optional(Type.Integer({ minimum: 0 })),
      pickup_info: Type.Object(
        {
          location_id: Type.Optional(Id('BP-01')),
          location_name: Type.Optional(Text(200)),
          address: Type.Optional(Text(300)),
          available_from: Type.Optional(DateTime),
          note: Type.Optional(Text(1000)),
        },
        closed,
      ),
      status: ErpStatus,
    },
    closed,
  ),
  'order.arrived': Type.Object(
    {
      order_id: Id('O-2025-0456'),
      customer: EventCustomer,
      location_id: Type.Optional(Id('BP-01')),
      items: Type.Array(
        Type.Object(
          {
            sku: Id('MAK-DGA452'),
            name: Text(200),
            quantity: Type.Integer({ minimum: 1 }),
            status: Type.Optional(Text(40)),
          },
          closed,
        ),
        { minItems: 1, maxItems: 500 },
      ),
    },
    closed,
  ),
  'customer.deleted': Type.Object(
    {
      customer_id: Id('C-123'),
      gdpr_reason: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', examples: ['user_request'] }),
    },
    closed,
  ),
} as const satisfies Record<string, TSchema>;

export type EventType = keyof typeof PAYLOADS;
export type EventPayload<T extends EventType> = Static<(typeof PAYLOADS)[T]>;
export const EVENT_TYPES = Object.keys(PAYLOADS) as EventType[];

/** The last path segment each event is delivered to (seed 4.1). */
export const PATH_NAMES: Readonly<Record<EventType, string>> = {
  'rental.started': 'rental-started',
  'rental.ended': 'rental-ended',
  'service.quote_ready': 'quote-ready',
  'service.repair_done': 'repair-done',
  'order.arrived': 'order-arrived',
  'customer.deleted': 'customer-deleted',
};

export function isEventType(t: string): t is EventType {
  return Object.prototype.hasOwnProperty.call(PAYLOADS, t);
}

/**
 * `${SUPPORT_API_URL}${template}` with {name} → quote-ready and {event} → service.quote_ready.
 * The only way a webhook URL is made: it throws unless the result stays on Support's
 * origin, below its base path (the settings refuse such a template at load; this holds
 * whatever a caller passes).
 */
export function webhookUrl(baseUrl: string, template: string, type: string): string {
  const name = isEventType(type) ? PATH_NAMES[type] : type.replace(/[._]/g, '-');
  const base = baseUrl.replace(/\/+$/, '');
  const url = `${base}${template.replaceAll('{name}', name).replaceAll('{event}', type)}`;
  const b = new URL(base);
  const u = new URL(url);
  const under = b.pathname.replace(/\/+$/, '') + '/';
  // Judged after the URL parser has resolved dot segments and backslashes, as the sender will.
  if (
    u.origin !== b.origin ||
    u.username !== b.username ||
    !u.pathname.startsWith(under) ||
    /%(2e|2f|5c)/i.test(u.pathname) ||
    u.search !== '' ||
    u.hash !== ''
  ) {
    throw new Error(
      `refusing webhook URL ${u.origin}${u.pathname}: not a path below SUPPORT_API_URL`,
    );
  }
  return url;
}

/** The body every webhook carries: serialised once at publish, the same bytes on every attempt. */
export const EventEnvelope = Type.Object({
  id: Type.String(),
  event: Type.String(),
  occurred_at: DateTime,
  data: Type.Unknown(),
});
export type EventEnvelope = Static<typeof EventEnvelope>;

export function envelopeBody(e: {
  id: string;
  type: string;
  occurredAt: Date;
  data: unknown;
}): string {
  return JSON.stringify({
    id: e.id,
    event: e.type,
    occurred_at: e.occurredAt.toISOString(),
    data: e.data,
  });
}
