export const GET = `SELECT enabled, env_seen, changed_at, changed_by FROM kgc_support.plugin_state WHERE singleton`;

export const UPSERT = `
  INSERT INTO kgc_support.plugin_state (singleton, enabled, env_seen, changed_at, changed_by)
  VALUES (true, $1, $2, $3, $4)
  ON CONFLICT (singleton) DO UPDATE SET enabled = EXCLUDED.enabled,
    env_seen = COALESCE(EXCLUDED.env_seen, kgc_support.plugin_state.env_seen),
    changed_at = EXCLUDED.changed_at, changed_by = EXCLUDED.changed_by
  RETURNING enabled, env_seen, changed_at, changed_by`;

export const CAPABILITIES = `SELECT capability, enabled, changed_at, changed_by FROM kgc_support.capability_switches`;

export const UPSERT_CAPABILITY = `
  INSERT INTO kgc_support.capability_switches (capability, enabled, changed_at, changed_by)
  VALUES ($1, $2, $3, $4)
  ON CONFLICT (capability) DO UPDATE SET enabled = EXCLUDED.enabled,
    changed_at = EXCLUDED.changed_at, changed_by = EXCLUDED.changed_by`;
