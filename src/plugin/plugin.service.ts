/**
 * The Support module's switch (seed 3.1-3.2). Persisted in the store; a running
 * daemon hears every change through the change channel within a second.
 * SUPPORT_MODULE_ENABLED in the environment is applied at boot when its value
 * differs from the one applied last time: editing .env works, and a runtime
 * `enable`/`disable` is not undone by an unchanged environment on restart.
 */
import type { Ctx } from '../context/context.js';
import { notifyChange } from '../store/changes.js';
import * as sql from './plugin.queries.js';
import type { PluginState } from './plugin.schema.js';

interface Row {
  enabled: boolean;
  env_seen: string | null;
  changed_at: Date;
  changed_by: string;
}

const toState = (r: Row | undefined): PluginState =>
  r
    ? { enabled: r.enabled, changed_at: r.changed_at.toISOString(), changed_by: r.changed_by }
    : { enabled: true, changed_at: null, changed_by: 'default' };

export async function getPluginState(ctx: Pick<Ctx, 'db'>): Promise<PluginState> {
  const { rows } = await ctx.db.query<Row>(sql.GET);
  return toState(rows[0]);
}

export async function setPluginEnabled(ctx: Ctx, enabled: boolean): Promise<PluginState> {
  const row = await ctx.db.tx(async (q) => {
    const { rows } = await q.query<Row>(sql.UPSERT, [
      enabled,
      null,
      new Date(ctx.clock.now()),
      ctx.actor,
    ]);
    await notifyChange(q, 'plugin', enabled ? 'enabled' : 'disabled');
    return rows[0];
  });
  ctx.logger.info(
    { enabled, actor: ctx.actor },
    enabled ? 'Support module enabled' : 'Support module disabled',
  );
  return toState(row);
}

/** At boot: apply SUPPORT_MODULE_ENABLED if it changed since the last boot. */
export async function applyEnvSwitch(
  ctx: Ctx,
  envValue: boolean | undefined,
): Promise<PluginState> {
  const { rows } = await ctx.db.query<Row>(sql.GET);
  const current = rows[0];
  if (envValue === undefined) return toState(current);
  const seen = String(envValue);
  if (current && current.env_seen === seen) return toState(current);
  const updated = await ctx.db.tx(async (q) => {
    const res = await q.query<Row>(sql.UPSERT, [
      envValue,
      seen,
      new Date(ctx.clock.now()),
      'env:SUPPORT_MODULE_ENABLED',
    ]);
    await notifyChange(q, 'plugin', envValue ? 'enabled' : 'disabled');
    return res.rows[0];
  });
  return toState(updated);
}
