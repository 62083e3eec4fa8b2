/**
 * The Pull API's request and response shapes (seed 2.1-2.4, 4.2). Responses are
 * serialised through these schemas, so a field that is not listed here can never
 * reach the Support system, whatever the ERP tables hold.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateOnly = Type.String({ format: 'date', examples: ['2025-12-30'] });
const DateTime = Type.String({ format: 'date-time', examples: ['2025-12-30T17:00:00Z'] });

export const PaymentStatus = Type.Union([
  Type.Literal('good'),
  Type.Literal('late'),
  Type.Literal('blocked'),
]);

export const CustomerSummary = Type.Object(
  {
    customer_id: Type.String({ examples: ['C-123'] }),
    name: Type.String(),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
    company: Nullable(Type.String()),
    is_business: Type.Boolean(),
    active_rentals: Type.Integer(),
    pending_repairs: Type.Integer(),
    payment_status: PaymentStatus,
  },
  { additionalProperties: false },
);
export type CustomerSummary = Static<typeof CustomerSummary>;

export const DuplicatesQuery = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
export type DuplicatesQuery = Static<typeof DuplicatesQuery>;

export const DuplicateCandidate = Type.Object({
  customer_id: Type.String(),
  name: Type.String(),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  name_similarity: Type.Number(),
  phone_match: Type.Boolean(),
});
export const Duplicates = Type.Object({
  query: Type.Object({ name: Nullable(Type.String()), phone: Nullable(Type.String()) }),
  candidates: Type.Array(DuplicateCandidate),
});
export type Duplicates = Static<typeof Duplicates>;

export const RentalStatus = Type.Object({
  rental_id: Type.String({ examples: ['R-2025-001'] }),
  customer_phone: Nullable(Type.String()),
  machine_name: Type.String(),
  rental_start: DateOnly,
  rental_end: DateOnly,
  status: Type.Union([Type.Literal('active'), Type.Literal('returned'), Type.Literal('cancelled')]),
  late_days: Type.Integer({ minimum: 0 }),
});
export type RentalStatus = Static<typeof RentalStatus>;

export const WORKLOG_STATUSES = [
  'felvéve',
  'diagnosztika',
  'árajánlat',
  'javítás',
  'kész',
  'átadva',
] as const;
export const WorklogStatus = Type.Object({
  worklog_id: Type.String({ examples: ['M-2025-0123'] }),
  customer: Type.Object({ id: Type.String(), name: Type.String(), phone: Nullable(Type.String()) }),
  machine: Type.String(),
  status: Type.Union(WORKLOG_STATUSES.map((s) => Type.Literal(s))),
  status_hu: Type.String(),
  estimated_completion: Nullable(DateTime),
  quote_accepted: Nullable(Type.Boolean()),
  quote_amount: Nullable(Type.Integer()),
  technician_notes: Nullable(Type.String()),
  can_pickup: Type.Boolean(),
});
export type WorklogStatus = Static<typeof WorklogStatus>;

export const ORDER_STATUSES = ['rendelve', 'úton', 'beérkezett', 'átadva', 'törölve'] as const;
const OrderStatusValue = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));
export const OrderItem = Type.Object({
  sku: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  status: OrderStatusValue,
});
export const OrderStatus = Type.Object({
  order_id: Type.String({ examples: ['O-2025-0456'] }),
  customer_phone: Nullable(Type.String()),
  status: OrderStatusValue,
  items: Type.Array(OrderItem),
  estimated_arrival: Nullable(DateOnly),
  arrived_at: Nullable(DateTime),
  notification_sent: Type.Boolean(),
});
export type OrderStatus = Static<typeof OrderStatus>;

export const OrderArrival = Type.Object({
  order_id: Type.String(),
  status: OrderStatusValue,
  arrived: Type.Boolean(),
  arrived_at: Nullable(DateTime),
  estimated_arrival: Nullable(DateOnly),
  days_until_arrival: Nullable(
    Type.Integer({
      description:
        'From today (local date); 0 today, negative when overdue; null once arrived or unknown',
    }),
  ),
  items_pending: Type.Integer(),
});
export type OrderArrival = Static<typeof OrderArrival>;

export const InventoryQuery = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type InventoryQuery = Static<typeof InventoryQuery>;

export const InventoryCheck = Type.Object({
  sku: Type.String({ examples: ['MAK-DGA452'] }),
  name: Type.String(),
  total_available: Type.Integer(),
  in_stock: Type.Boolean(),
  locations: Type.Array(
    Type.Object({
      location_id: Type.String(),
      location_name: Type.String(),
      city: Type.String(),
      available: Type.Integer(),
      in_stock: Type.Boolean(),
    }),
  ),
});
export type InventoryCheck = Static<typeof InventoryCheck>;

export const AppointmentRequest = Type.Object(
  {
    location_id: Type.String({ minLength: 1, maxLength: 64 }),
    slot_start: Type.String({
      format: 'date-time',
      description: 'Start of the slot, with its offset: 2026-01-05T09:30:00+01:00',
    }),
    customer_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    customer_phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    customer_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    worklog_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    machine: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type AppointmentRequest = Static<typeof AppointmentRequest>;

export const Appointment = Type.Object({
  appointment_id: Type.String(),
  location_id: Type.String(),
  slot_start: DateTime,
  slot_end: DateTime,
  status: Type.Union([Type.Literal('booked'), Type.Literal('cancelled'), Type.Literal('done')], {
    description: 'booked when made; the ERP marks it cancelled or done later',
  }),
  customer_id: Nullable(Type.String()),
});
export type Appointment = Static<typeof Appointment>;

/** Path parameters: ERP ids are short, printable, and never contain a slash. */
export const IdParam = (name: string, example: string) =>
  Type.Object({
    [name]: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      examples: [example],
    }),
  });
