/** Shapes of the erasure cascade: op inputs and outputs, the status view and the receipt. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });

export const STEP_NAMES = ['erp', 'webhook', 'memory', 'chatwoot', 'redis', 'store'] as const;
export type StepName = (typeof STEP_NAMES)[number];
export const StepName = Type.Union(STEP_NAMES.map((s) => Type.Literal(s)));

/** done and skipped are final and verified; retry may succeed later; failed needs a person (then resume). */
export const StepState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('skipped'),
  Type.Literal('retry'),
  Type.Literal('failed'),
]);
export type StepState = Static<typeof StepState>;

export const RequestState = Type.Union([
  Type.Literal('received'),
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('partial'),
  Type.Literal('failed'),
]);
export type RequestState = Static<typeof RequestState>;

export const EraseMode = Type.Union([Type.Literal('delete'), Type.Literal('anonymise')]);
export type EraseMode = Static<typeof EraseMode>;

export const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
export type Counts = Static<typeof Counts>;

const CustomerIdText = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Validated strictly by the service, with a clear error',
  examples: ['C-123'],
});
const ReasonText = Type.String({ minLength: 1, maxLength: 100, examples: ['user_request'] });
export const RequestId = Type.String({
  pattern: '^gdpr_[0-9a-f]{20}$',
  examples: ['gdpr_4f1c2a9b7e3d5a6c8b0e'],
});

export const StepView = Type.Object({
  step: StepName,
  position: Type.Integer(),
  state: StepState,
  verified: Type.Boolean({ description: 'done or skipped: checked after it ran' }),
  runs: Type.Integer({ description: 'Times a runner started this step' }),
  attempts: Type.Integer({ description: 'Executions of the step, retries included' }),
  counts: Counts,
  detail: Nullable(Type.String()),
  ref: Nullable(Type.String({ description: 'Step webhook: the customer.deleted event id' })),
  started_at: Nullable(Iso),
  finished_at: Nullable(Iso),
});
export type StepView = Static<typeof StepView>;

export const RequestView = Type.Object({
  request_id: Type.String(),
  state: RequestState,
  reason: Type.String(),
  source: Type.Union([
    Type.Literal('cli'),
    Type.Literal('admin'),
    Type.Literal('event'),
    Type.Literal('api'),
  ]),
  erase_mode: EraseMode,
  customer_id: Nullable(
    Type.String({ description: 'Until the request completes; then only the hash is kept' }),
  ),
  customer_hash: Type.String(),
  trigger_event_id: Nullable(Type.String()),
  requested_by: Type.String(),
  received_at: Iso,
  started_at: Nullable(Iso),
  finished_at: Nullable(Iso),
  next_attempt_at: Nullable(Iso),
  runs: Type.Integer(),
  steps: Type.Array(StepView),
});
export type RequestView = Static<typeof RequestView>;

/** The proof of an erasure: ids, times, outcomes and counts; never a name, a phone, an e-mail or a file's content. */
export const Receipt = Type.Object({
  receipt_version: Type.Literal(1),
  request_id: Type.String(),
  state: RequestState,
  reason: Type.String(),
  source: Type.String(),
  erase_mode: EraseMode,
  customer: Type.Object({
    hash: Type.String({
      description: 'hmac-sha256:<hex> of the customer id, keyed with the receipt key',
    }),
    key_id: Type.String({ description: 'Fingerprint of the receipt key that made the hash' }),
  }),
  trigger_event_id: Nullable(Type.String()),
  requested_by: Type.String(),
  received_at: Iso,
  started_at: Nullable(Iso),
  finished_at: Nullable(Iso),
  steps: Type.Array(
    Type.Object({
      step: StepName,
      position: Type.Integer(),
      outcome: StepState,
      verified: Type.Boolean(),
      counts: Counts,
      detail: Nullable(Type.String()),
      attempts: Type.Integer(),
      started_at: Nullable(Iso),
      finished_at: Nullable(Iso),
    }),
  ),
});
export type Receipt = Static<typeof Receipt>;

export const PlanStep = Type.Object({
  step: StepName,
  position: Type.Integer(),
  action: Type.Union([
    Type.Literal('erase'),
    Type.Literal('nothing'),
    Type.Literal('skip'),
    Type.Literal('unknown'),
  ]),
  summary: Type.String(),
  counts: Counts,
  items: Type.Array(Type.String(), {
    description: 'What would go (file names, contact ids, key names), at most 50',
  }),
});
export type PlanStep = Static<typeof PlanStep>;

export const Plan = Type.Object({
  dry_run: Type.Literal(true),
  customer_id: Type.String(),
  erase_mode: EraseMode,
  steps: Type.Array(PlanStep),
});
export type Plan = Static<typeof Plan>;

export const DeleteInput = Type.Object({ customer_id: CustomerIdText, reason: ReasonText });
export type DeleteInput = Static<typeof DeleteInput>;

export const PlanInput = Type.Object({ customer_id: CustomerIdText });
export type PlanInput = Static<typeof PlanInput>;

export const RequestIdInput = Type.Object({
  request_id: Type.String({ minLength: 1, maxLength: 200 }),
});
export type RequestIdInput = Static<typeof RequestIdInput>;

export const StatusInput = Type.Object({
  request_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  customer_id: Type.Optional(CustomerIdText),
  state: Type.Optional(RequestState),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
});
export type StatusInput = Static<typeof StatusInput>;

export const ExportInput = Type.Object({ customer_id: CustomerIdText });
export type ExportInput = Static<typeof ExportInput>;

/** One system of an access request: what it holds about the customer, as it keeps it. */
export const SystemExport = Type.Object({
  system: StepName,
  status: Type.Union(
    [
      Type.Literal('found'),
      Type.Literal('nothing'),
      Type.Literal('not_configured'),
      Type.Literal('not_kept'),
      Type.Literal('unreachable'),
    ],
    { description: 'unreachable: the system could not be read, the document is not complete' },
  ),
  detail: Type.String(),
  data: Type.Unknown({
    description: 'The data as the system keeps it (rows, files, contacts, keys)',
  }),
});
export type SystemExport = Static<typeof SystemExport>;

/** GDPR art. 15: everything held about one customer, across every system the erasure reaches. */
export const SubjectAccess = Type.Object({
  export_version: Type.Literal(1),
  customer_id: Type.String(),
  generated_at: Iso,
  complete: Type.Boolean({ description: 'Every system was read' }),
  erasure_requests: Type.Array(
    Type.Object({
      request_id: Type.String(),
      state: RequestState,
      received_at: Iso,
      finished_at: Nullable(Iso),
    }),
    { description: "This customer's erasure requests (found by the keyed hash)" },
  ),
  systems: Type.Array(SystemExport),
});
export type SubjectAccess = Static<typeof SubjectAccess>;
