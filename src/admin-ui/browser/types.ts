/**
 * What the admin page reads from the admin API, as far as it reads it (the op schemas in
 * src/ have the rest), and the page's own little types. Declarations only.
 */

interface Window {
  KGC_I18N: Record<'hu' | 'en', Record<string, string>>;
}

interface AdminApiError extends Error {
  status?: number;
  code?: string;
}
interface Session {
  user: string;
  csrf: string;
}
interface Switch {
  enabled: boolean;
  changed_at?: string | null;
  changed_by?: string | null;
}
interface PluginStatus extends Switch {
  environment?: { agrees: boolean; detail?: string };
  capabilities?: { booking?: Switch };
}
interface Component {
  component: string;
  status: string;
  latency_ms: number | null;
  output: string;
}
interface Info {
  support?: {
    state?: string;
    detail?: string;
    checked_at?: string | null;
    next_check_at?: string | null;
    components?: Component[];
  };
}
interface Facts {
  events: Record<string, string | number | null>;
  keys_expiring: { id: string }[];
}
interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  status: string;
  expires_at: string | null;
  last_used_at: string | null;
}
interface EventRow {
  id: string;
  event: string;
  status: string;
  in_flight?: boolean;
  created_at: string;
  attempts: number;
  last_status: number | null;
  last_error?: string | null;
}
interface Attempt {
  attempt: number;
  at: string;
  outcome: string;
  status: number | null;
  duration_ms: number;
  error: string | null;
  response: string | null;
}
interface Erasure {
  request_id: string;
  state: string;
  reason: string;
  received_at: string;
  steps: { step: string; state: string }[];
}
interface AuditRow {
  at: string;
  kind: string;
  actor: string | null;
  key_id: string | null;
  method: string | null;
  route: string;
  resource_id: string | null;
  status: number | null;
}
interface View {
  plugin: PluginStatus;
  info: Info;
  facts: Facts;
  keys: Key[];
  dlq: EventRow[];
  events: EventRow[];
  gdpr: Erasure[];
  audit: AuditRow[];
}
type Lang = 'hu' | 'en';
type Child = Node | string | null;
type Attrs = Record<string, string | boolean | null | undefined | (() => void)>;
type ReplaySelector = { ids: string[] } | { type?: string; since?: string; all?: boolean };
