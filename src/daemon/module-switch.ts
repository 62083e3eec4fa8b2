/**
 * The switches as a running daemon applies them: the module's and each capability's,
 * read at start (the environment's SUPPORT_MODULE_ENABLED applied first, and logged when
 * it disagrees with the stored switch), re-read when the store says they changed, and
 * every few seconds as the safety net for a missed notification. Re-reads run one after
 * another, so a slow early read never overwrites a later one.
 */
import type { Ctx } from '../context/context.js';
import { CAPABILITIES, type Capability, type PluginState } from '../plugin/plugin.schema.js';
import { applyEnvSwitch, getPluginState } from '../plugin/plugin.service.js';

const SAFETY_POLL_MS = 5_000;

export class ModuleSwitch {
  private refreshing: Promise<void> = Promise.resolve();
  private readonly listeners: ((enabled: boolean) => void)[] = [];
  private readonly poll: NodeJS.Timeout;

  private constructor(
    private readonly ctx: Ctx,
    private switches: PluginState,
  ) {
    this.poll = setInterval(() => void this.refresh().catch(() => {}), SAFETY_POLL_MS);
    this.poll.unref();
  }

  static async start(ctx: Ctx): Promise<ModuleSwitch> {
    await applyEnvSwitch(ctx, ctx.config.supportModuleEnabled);
    const switches = await getPluginState(ctx);
    if (!switches.environment.agrees)
      ctx.logger.warn(
        { moduleEnabled: switches.enabled, SUPPORT_MODULE_ENABLED: switches.environment.value },
        switches.environment.detail,
      );
    return new ModuleSwitch(ctx, switches);
  }

  /** Whether the module is on. */
  get on(): boolean {
    return this.switches.enabled;
  }

  /** The switches as last read (/ready shows them). */
  get state(): PluginState {
    return this.switches;
  }

  capabilityOn(c: Capability): boolean {
    return this.switches.capabilities[c].enabled;
  }

  /** Called with the new value each time the module switch changes. */
  onChange(listener: (enabled: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Reads the switches from the store (after any read already under way). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .catch(() => {})
      .then(async () => this.apply(await getPluginState(this.ctx)));
    return this.refreshing;
  }

  stop(): void {
    clearInterval(this.poll);
  }

  private apply(next: PluginState): void {
    const { logger } = this.ctx;
    for (const c of CAPABILITIES)
      if (next.capabilities[c].enabled !== this.capabilityOn(c))
        logger.info(
          { capability: c, enabled: next.capabilities[c].enabled },
          `${c} switched ${next.capabilities[c].enabled ? 'on' : 'off'}`,
        );
    const changed = next.enabled !== this.on;
    this.switches = next;
    if (!changed) return;
    logger.info(
      { enabled: next.enabled },
      next.enabled ? 'Support module enabled' : 'Support module disabled',
    );
    for (const l of this.listeners) l(next.enabled);
  }
}
