/**
 * The daemon's watch on Support (health/monitor.ts): checks its parts periodically,
 * holds deliveries while the chatbot is down and resumes them when it answers, and
 * follows the module switch. Started once the dispatcher runs, since they keep one story.
 */
import type { Ctx } from '../context/context.js';
import { registerLifecycleMetrics } from '../health/lifecycle.metrics.js';
import { createSupportMonitor, type SupportMonitor } from '../health/monitor.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Dispatcher } from '../webhooks/dispatcher.types.js';
import type { ModuleSwitch } from './module-switch.js';

export function watchSupport(
  ctx: Ctx,
  module: ModuleSwitch,
  metrics: Metrics,
  dispatcher: () => Dispatcher | undefined,
): SupportMonitor {
  const { config } = ctx;
  const support = createSupportMonitor({
    urls: {
      chatbot: config.supportApiUrl,
      context: config.supportContextUrl,
      chatwoot: config.chatwootUrl,
    },
    intervalMs: config.healthIntervalMs,
    timeoutMs: config.healthTimeoutMs,
    clock: ctx.clock,
    logger: ctx.logger,
    enabled: () => module.on,
    holdDeliveries: () => dispatcher()?.hold(),
    resumeDeliveries: () => dispatcher()?.resume(),
  });
  registerLifecycleMetrics(metrics.registry, () => support.view());
  module.onChange((enabled) => {
    support.moduleChanged(enabled);
    if (enabled) dispatcher()?.wake();
  });
  return support;
}
