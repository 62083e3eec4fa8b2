/**
 * GET /ready: whether the daemon can do its work now. The store and the ERP contract
 * must answer; Support and Redis away only warn (the daemon is degraded, serves the
 * ERP and retries), and so do SUPPORT_MODULE_ENABLED disagreeing with the stored switch
 * and a retention job that failed or stopped running.
 */
import type { ReadinessCheck, ReadinessReport } from '../api/routes/health.js';
import type { Config } from '../config/settings.js';
import type { Db } from '../context/db.js';
import { contractCheck } from '../erp/contract.js';
import type { SupportMonitor } from '../health/monitor.js';
import { cachedRedisCheck, supportCheck, switchCheck } from '../health/readiness.js';
import type { PluginState } from '../plugin/plugin.schema.js';
import type { RetentionCheck } from '../retention/job.js';
import type { Store } from '../store/open.js';

type Ping = { status: 'pass' | 'fail'; latency_ms: number; detail?: string };

/** `SELECT 1` within `timeoutMs`. */
export async function ping(db: Db, timeoutMs: number): Promise<Ping> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const latency = () => Math.round(performance.now() - started);
  try {
    await Promise.race([
      db.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'pass', latency_ms: latency() };
  } catch (err) {
    return { status: 'fail', latency_ms: latency(), detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export function readinessOf(
  config: Config,
  store: Store,
  support: Pick<SupportMonitor, 'view'>,
  switches: () => PluginState,
  retention?: () => RetentionCheck,
): ReadinessCheck {
  const redisReady = config.redisUrl ? cachedRedisCheck(config.redisUrl) : undefined;
  return async () => {
    const own = await ping(store.db, 2_000);
    const erp = store.erp !== store.db ? await ping(store.erp, 2_000) : undefined;
    const checks: ReadinessReport['checks'] = {
      store: own,
      store_writes: await store.condition.check(),
      ...(erp ? { erp } : {}),
      erp_contract: await contractCheck(store.erp, erp ?? own, erp !== undefined),
      support: supportCheck(support.view()),
      module_switch: switchCheck(switches()),
    };
    if (redisReady) checks.redis = await redisReady();
    if (retention) checks.retention = retention();
    const status = Object.values(checks).some((c) => c.status === 'fail') ? 'fail' : 'pass';
    return { status, checks };
  };
}
