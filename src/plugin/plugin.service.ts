/**
 * The Support module's switch (seed 3.1-3.2) and the switches of its capabilities
 * (booking). Persisted in the store; a running daemon hears every change through the
 * change channel within a second.
 *
 * The rule between SUPPORT_MODULE_ENABLED and the stored switch: the environment is
 * applied at a start where its value differs from the one applied last time (editing
 * .env works); otherwise the stored switch decides, so a runtime `enable`/`disable` is
 * not undone by an unchanged environment on restart. When the two disagree, the state
 * says so (environment.agrees), the daemon logs it at start and /ready shows it.
 */
import type { Ctx } from '../context/context.js';
import { notifyChange } from '../store/changes.js';
import * as sql from './plugin.queries.js';
import {
  CAPABILITIES,
  CAPABILITY_DOORS,
  type Capability,
  type EnvironmentSwitch,
  type PluginState,
  type SwitchState,
} from './plugin.schema.js';

interface Row {
  enabled: boolean;
  env_seen: string | null;
  changed_at: Date;
  changed_by: string;
}
interface CapabilityRow {
  capability: string;
  enabled: boolean;
  changed_at: Date;
  changed_by: string;
}

const onOff = (on: boolean) => (on ? 'on' : 'off');

const switchOf = (r: Omit<Row, 'env_seen'> | undefined): SwitchState =>
  r
    ? { enabled: r.enabled, changed_at: r.changed_at.toISOString(), changed_by: r.changed_by }
    : { enabled: true, changed_at: null, changed_by: 'default' };

/** SUPPORT_MODULE_ENABLED (`env`) against the stored switch, with the rule that decides. */
export function environmentSwitch(
  env: boolean | undefined,
  row: Row | undefined,
): EnvironmentSwitch {
  const stored = switchOf(row);
  const base = { variable: 'SUPPORT_MODULE_ENABLED' as const, value: env ?? null };
  if (env === undefined)
    return {
      ...base,
      agrees: true,
      detail: `SUPPORT_MODULE_ENABLED is not set: the stored switch decides (${onOff(stored.enabled)})`,
    };
  if (row && row.env_seen !== String(env) && row.enabled !== env)
    return {
      ...base,
      agrees: false,
      detail: `SUPPORT_MODULE_ENABLED=${env} is not applied yet: the next start of the daemon switches the module ${onOff(env)}`,
    };
  if (stored.enabled === env)
    return {
      ...base,
      agrees: true,
      detail: `SUPPORT_MODULE_ENABLED=${env} agrees with the stored switch (${onOff(env)})`,
    };
  const by = stored.changed_at ? ` by ${stored.changed_by} at ${stored.changed_at}` : '';
  return {
    ...base,
    agrees: false,
    detail:
      `SUPPORT_MODULE_ENABLED=${env}, but the module is ${onOff(stored.enabled)} (switched${by}): ` +
      `the environment is applied only at a start where its value changed, so the stored switch decides. ` +
      `Run kgc-support ${stored.enabled ? 'disable' : 'enable'}, or set SUPPORT_MODULE_ENABLED=${stored.enabled}, to make them agree`,
  };
}

export async function getPluginState(ctx: Pick<Ctx, 'db' | 'config'>): Promise<PluginState> {
  const [mod, caps] = await Promise.all([
    ctx.db.query<Row>(sql.GET),
    ctx.db.query<CapabilityRow>(sql.CAPABILITIES),
  ]);
  const row = mod.rows[0];
  const capabilities = Object.fromEntries(
    CAPABILITIES.map((c) => [c, switchOf(caps.rows.find((r) => r.capability === c))]),
  ) as Record<Capability, SwitchState>;
  return {
    ...switchOf(row),
    capabilities,
    environment: environmentSwitch(ctx.config.supportModuleEnabled, row),
  };
}

/** Switches the module, or with `capability` only that capability, on or off. */
export async function setSwitch(
  ctx: Ctx,
  enabled: boolean,
  capability?: Capability,
): Promise<PluginState> {
  const at = new Date(ctx.clock.now());
  await ctx.db.tx(async (q) => {
    if (capability) await q.query(sql.UPSERT_CAPABILITY, [capability, enabled, at, ctx.actor]);
    else await q.query(sql.UPSERT, [enabled, null, at, ctx.actor]);
    await notifyChange(
      q,
      'plugin',
      `${capability ?? 'module'}:${enabled ? 'enabled' : 'disabled'}`,
    );
  });
  ctx.logger.info(
    { enabled, actor: ctx.actor, ...(capability ? { capability } : {}) },
    capability
      ? `${capability} (${CAPABILITY_DOORS[capability]}) switched ${onOff(enabled)}`
      : enabled
        ? 'Support module enabled'
        : 'Support module disabled',
  );
  return getPluginState(ctx);
}

/** At boot: apply SUPPORT_MODULE_ENABLED if it changed since the last boot. */
export async function applyEnvSwitch(ctx: Ctx, envValue: boolean | undefined): Promise<void> {
  const { rows } = await ctx.db.query<Row>(sql.GET);
  const current = rows[0];
  if (envValue === undefined) return;
  const seen = String(envValue);
  if (current && current.env_seen === seen) return;
  await ctx.db.tx(async (q) => {
    await q.query<Row>(sql.UPSERT, [
      envValue,
      seen,
      new Date(ctx.clock.now()),
      'env:SUPPORT_MODULE_ENABLED',
    ]);
    await notifyChange(q, 'plugin', envValue ? 'enabled' : 'disabled');
  });
}
