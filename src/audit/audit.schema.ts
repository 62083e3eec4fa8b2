import { Type, type Static } from '@sinclair/typebox';

/** api: a Pull API call; admin: a state change by an admin; notification: a webhook Support accepted. */
export const AuditKind = Type.Union([
  Type.Literal('api'),
  Type.Literal('admin'),
  Type.Literal('notification'),
]);
export type AuditKind = Static<typeof AuditKind>;

export const AuditRow = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  kind: AuditKind,
  request_id: Type.Union([Type.String(), Type.Null()]),
  key_id: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()]),
  method: Type.Union([Type.String(), Type.Null()]),
  route: Type.String(),
  resource_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Integer(), Type.Null()]),
  latency_ms: Type.Union([Type.Number(), Type.Null()]),
});
export type AuditRow = Static<typeof AuditRow>;

export const AuditQuery = Type.Object({
  since: Type.Optional(
    Type.String({
      description: 'A duration back from now (1h, 7d) or an ISO time',
      default: '24h',
    }),
  ),
  until: Type.Optional(Type.String()),
  key: Type.Optional(Type.String({ description: 'Key id' })),
  route: Type.Optional(
    Type.String({ description: 'Route pattern or admin action; a prefix matches' }),
  ),
  kind: Type.Optional(AuditKind),
  resource: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Only rows about this id: a worklog, order, rental, customer, event or key id',
    }),
  ),
  status: Type.Optional(Type.Integer()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 100 })),
});
export type AuditQuery = Static<typeof AuditQuery>;
