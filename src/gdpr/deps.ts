/**
 * What the cascade talks to besides the store, built from the configuration (or
 * given by a test): the dispatcher port of step 2, Chatwoot, Redis, the memory root.
 * A system that is not configured is `absent` (its step is skipped, and the receipt
 * says so); one configured by halves is `misconfigured` (its step fails).
 */
import type { Ctx } from '../context/context.js';
import { createChatwootClient, type ChatwootApi } from './chatwoot-client.js';
import { createRedisClient, type RedisApi } from './redis-client.js';
import { defaultSupportNotifier, type SupportNotifier } from './support-notifier.js';

export type Service<T> =
  | { readonly kind: 'ready'; readonly api: T }
  | { readonly kind: 'absent'; readonly why: string }
  | { readonly kind: 'misconfigured'; readonly why: string };

export interface ErasureDeps {
  readonly notifier: SupportNotifier;
  readonly chatwoot: Service<ChatwootApi>;
  readonly redis: Service<RedisApi>;
  readonly memoryRoot: string;
  /** Waits between attempts (tests may shorten it). */
  sleep(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function chatwootFrom(ctx: Ctx): Service<ChatwootApi> {
  const c = ctx.config;
  if (c.chatwootUrl === undefined) return { kind: 'absent', why: 'CHATWOOT_URL is not set' };
  if (c.chatwootApiToken === undefined)
    return { kind: 'misconfigured', why: 'CHATWOOT_URL is set but CHATWOOT_API_TOKEN is not' };
  if (c.chatwootAccountNumber === undefined)
    return {
      kind: 'misconfigured',
      why: "CHATWOOT_URL is set but CHATWOOT_ACCOUNT_NUMBER (Chatwoot's numeric account id) is not",
    };
  return {
    kind: 'ready',
    api: createChatwootClient({
      baseUrl: c.chatwootUrl,
      token: c.chatwootApiToken,
      accountId: c.chatwootAccountNumber,
      timeoutMs: c.gdprHttpTimeoutMs,
    }),
  };
}

/** The dependencies a configuration describes; `overrides` replace parts (tests, the daemon's notifier). */
export function createErasureDeps(
  ctx: Ctx,
  overrides: Partial<Omit<ErasureDeps, 'close'>> = {},
): ErasureDeps {
  const redis: Service<RedisApi> =
    overrides.redis ??
    (ctx.config.redisUrl === undefined
      ? { kind: 'absent', why: 'REDIS_URL is not set' }
      : {
          kind: 'ready',
          api: createRedisClient(ctx.config.redisUrl, ctx.config.gdprHttpTimeoutMs),
        });
  return {
    notifier: overrides.notifier ?? defaultSupportNotifier(),
    chatwoot: overrides.chatwoot ?? chatwootFrom(ctx),
    redis,
    memoryRoot: overrides.memoryRoot ?? ctx.config.memoryRoot,
    sleep: overrides.sleep ?? realSleep,
    async close() {
      if (redis.kind === 'ready') await redis.api.close();
    },
  };
}

export type DepsFactory = (ctx: Ctx) => ErasureDeps;
