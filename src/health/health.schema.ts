/**
 * What the daemon tells about health, over the admin API (the CLI) and at
 * GET /api/support/health (the ERP, monitoring): the Support module's lifecycle
 * state as the daemon sees it, and the facts only the store knows.
 * The CLI imports these types only (`import type`), never TypeBox.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EventStats } from '../events/events.schema.js';

/** The Support module's lifecycle states (lifecycle.ts says what moves between them). */
export const LIFECYCLE_STATES = [
  'DISABLED',
  'DISCOVERY',
  'ACTIVE',
  'HEALTHY',
  'DEGRADED',
  'DOWN',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

export const ComponentView = Type.Object({
  component: Type.String({ description: 'support-chatbot, support-context or chatwoot' }),
  status: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')]),
  latency_ms: Nullable(Type.Number()),
  output: Type.String(),
});
export type ComponentView = Static<typeof ComponentView>;

export const LifecycleView = Type.Object({
  state: Type.Union(
    LIFECYCLE_STATES.map((s) => Type.Literal(s)),
    {
      description:
        'DISABLED: the module is off. DISCOVERY: the first check after start or enable is running. ACTIVE: enabled, Support reached at start. ' +
        'HEALTHY: the last periodic check passed. DEGRADED: the chatbot answers, something else does not. DOWN: the chatbot does not answer (the ERP keeps working; webhooks are buffered).',
    },
  ),
  since: Iso,
  checked_at: Nullable(Iso),
  next_check_at: Nullable(Iso),
  detail: Type.String(),
  deliveries_held: Type.Boolean({
    description:
      'Webhook deliveries are held because Support is unreachable (events wait, none is lost)',
  }),
  components: Type.Array(ComponentView),
});
export type LifecycleView = Static<typeof LifecycleView>;

export const ExpiringKey = Type.Object({ id: Type.String(), name: Type.String(), expires_at: Iso });

export const HealthFacts = Type.Object({
  time: Iso,
  module_enabled: Type.Boolean(),
  events: EventStats,
  key_expiry_window_s: Type.Number(),
  keys_expiring: Type.Array(ExpiringKey, {
    description: 'Active keys (not rotated away) that expire within the window, soonest first',
  }),
  webhook_secret: Nullable(
    Type.Object({
      id: Type.String(),
      source: Type.String(),
      created_at: Iso,
      age_s: Type.Number(),
    }),
  ),
});
export type HealthFacts = Static<typeof HealthFacts>;

export const HealthFactsInput = Type.Object({
  key_expiry_within: Type.Optional(
    Type.String({
      description:
        "Window of keys_expiring: 14d, 72h…; default KGC_SUPPORT_HEALTH_KEY_EXPIRY's warning",
    }),
  ),
});
export type HealthFactsInput = Static<typeof HealthFactsInput>;

/** GET /api/support/health */
export const SupportHealth = Type.Object({
  lifecycle: LifecycleView,
  facts: HealthFacts,
});
export type SupportHealth = Static<typeof SupportHealth>;
