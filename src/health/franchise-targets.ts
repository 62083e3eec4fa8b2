/**
 * `health --franchise <id>`: what that franchise publishes on this host (its
 * franchise.yaml's ports on its bind_address), and the Support system's key from its
 * secrets.env, with which the daemon's /api/support/health answers. Chatwoot's Redis
 * and PostgreSQL are not published: their containers' health checks stand in, and
 * the daemon's store is what its /ready reports. REDIS_URL, when set, is still asked.
 */
import { DEFAULT_BIND_ADDRESS } from '../franchise/franchise.schema.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { secretsOnDisk } from '../render/secrets-on-disk.js';
import { reachableHost, type HealthTargets } from './targets.js';

export function targetsFromFranchise(
  ref: FranchiseRef,
  redisUrl: string | undefined,
): HealthTargets & { apiKey: string | undefined } {
  const f = ref.franchise;
  const host = reachableHost(f.bind_address ?? DEFAULT_BIND_ADDRESS);
  const at = (port: number) => `http://${host}:${port}`;
  const key = secretsOnDisk(ref).get('KGC_API_KEY');
  return {
    label: `franchise ${ref.id}`,
    daemonUrl: at(f.ports.daemon),
    chatbotUrl: at(f.ports.chatbot),
    contextUrl: at(f.ports.context),
    chatwootUrl: at(f.ports.chatwoot),
    redisUrl,
    databaseUrl: undefined,
    storeLabel: "the daemon's store",
    franchise: ref.id,
    apiKey: key === '' ? undefined : key,
  };
}
