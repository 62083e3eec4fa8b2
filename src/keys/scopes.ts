/**
 * The scopes an API key can carry: the one list that the key service, the API's route
 * guard and the CLI's help and completion read. No imports, so `--help` stays cheap.
 */
export const SCOPES = [
  'support:read',
  'support:appointments',
  'erp:publish',
  'erp:gdpr',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];
