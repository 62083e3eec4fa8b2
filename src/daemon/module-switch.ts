/**
 * The module switch as a running daemon knows it: read at start (the environment's
 * SUPPORT_MODULE_ENABLED applied first), re-read when the store says it changed, and
 * every few seconds as the safety net for a missed notification. Re-reads run one after
 * another, so a slow early read never overwrites a later one.
 */
import type { Ctx } from '../context/context.js';
import { applyEnvSwitch, getPluginState } from '../plugin/plugin.service.js';

const SAFETY_POLL_MS = 5_000;

export class ModuleSwitch {
  private refreshing: Promise<void> = Promise.resolve();
  private readonly listeners: ((enabled: boolean) => void)[] = [];
  private readonly poll: NodeJS.Timeout;

  private constructor(
    private readonly ctx: Ctx,
    private enabled: boolean,
  ) {
    this.poll = setInterval(() => void this.refresh().catch(() => {}), SAFETY_POLL_MS);
    this.poll.unref();
  }

  static async start(ctx: Ctx): Promise<ModuleSwitch> {
    const { enabled } = await applyEnvSwitch(ctx, ctx.config.supportModuleEnabled);
    return new ModuleSwitch(ctx, enabled);
  }

  get on(): boolean {
    return this.enabled;
  }

  /** Called with the new value each time the switch changes. */
  onChange(listener: (enabled: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Reads the switch from the store (after any read already under way). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .catch(() => {})
      .then(async () => {
        const next = (await getPluginState(this.ctx)).enabled;
        if (next === this.enabled) return;
        this.enabled = next;
        this.ctx.logger.info(
          { enabled: next },
          next ? 'Support module enabled' : 'Support module disabled',
        );
        for (const l of this.listeners) l(next);
      });
    return this.refreshing;
  }

  stop(): void {
    clearInterval(this.poll);
  }
}
