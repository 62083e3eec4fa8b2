/** Every operation the admin API serves. A capability adds its list here. */
import { ADMIN_UI_OPS } from '../admin-ui/admin-ui.ops.js';
import { AUDIT_OPS } from '../audit/audit.ops.js';
import { DEMO_OPS } from '../erp/demo/demo.ops.js';
import { GDPR_OPS } from '../gdpr/gdpr.ops.js';
import { EVENTS_OPS } from '../events/events.ops.js';
import { eventsList } from '../events/recent.js';
import { HEALTH_OPS } from '../health/health.ops.js';
import { KEYS_OPS } from '../keys/keys.ops.js';
import type { AnyOp } from '../ops/op.js';
import { PLUGIN_OPS } from '../plugin/plugin.ops.js';
import { RETENTION_OPS } from '../retention/retention.ops.js';
import { WEBHOOKS_OPS } from '../webhooks/webhooks.ops.js';

export const ALL_OPS: readonly AnyOp[] = [
  ...KEYS_OPS,
  ...AUDIT_OPS,
  ...PLUGIN_OPS,
  ...DEMO_OPS,
  ...GDPR_OPS,
  ...EVENTS_OPS,
  eventsList,
  ...WEBHOOKS_OPS,
  ...HEALTH_OPS,
  ...ADMIN_UI_OPS,
  ...RETENTION_OPS,
];
