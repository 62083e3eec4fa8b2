/**
 * The support services' containers, as the Docker engine reports them (one result per
 * service): running and healthy passes, starting or restarting warns, unhealthy,
 * exited or missing fails. The waiting logic of `up` (docker/wait.ts) gives the verdict.
 */
import type { ServiceContainer } from '../../docker/engine.js';
import { verdictOf } from '../../docker/wait.js';
import type { Probed } from '../probed.js';
import type { CheckResult } from '../report.js';
import { result, withoutValue } from './services.js';

export interface ContainersProbe {
  readonly franchise: string;
  readonly services: readonly string[];
  readonly containers: readonly ServiceContainer[];
}

export function containerChecks(p: Probed<ContainersProbe>, franchise: string): CheckResult[] {
  if (p.kind !== 'ok') {
    // A probe cut off by the round's guard names the engine as its own timeout does (errors carry their own text).
    return [
      withoutValue(
        'containers',
        'health',
        p,
        'fail',
        'Start the Docker engine (systemctl start docker) and check that this user may use it; kgc-support doctor tells more.',
        p.kind === 'timeout' ? 'the Docker engine:' : undefined,
      ),
    ];
  }
  return p.value.services.map((service) => {
    const c = p.value.containers.find((x) => x.service === service);
    if (!c) {
      return result('containers', 'health', p.at, {
        componentId: service,
        status: 'fail',
        output: `${service}: no container`,
        observedValue: 'missing',
        hint: `Start the support services: kgc-support up --franchise ${franchise}`,
      });
    }
    const v = verdictOf(c);
    const value = c.state === 'running' ? (c.health === 'none' ? 'running' : c.health) : c.state;
    return result('containers', 'health', p.at, {
      componentId: service,
      status: v.kind === 'ready' ? 'pass' : v.kind === 'waiting' ? 'warn' : 'fail',
      output: `${service}: ${v.detail}${c.restartCount > 0 ? ` (${c.restartCount} restarts)` : ''}`,
      observedValue: value,
      hint: `See why: kgc-support logs --franchise ${franchise} --service ${service}`,
    });
  });
}

/**
 * Redis of the franchise (Chatwoot's) is not published on the host: its container's
 * health check (redis-cli ping) is the closest look the host has.
 */
export function redisFromContainer(p: Probed<ContainersProbe>): CheckResult {
  const hint = 'Redis runs in the chatwoot-redis container; set REDIS_URL to ask it directly.';
  if (p.kind !== 'ok') return withoutValue('redis', 'responseTime', p, 'unknown', hint);
  const c = p.value.containers.find((x) => x.service === 'chatwoot-redis');
  if (!c)
    return result('redis', 'responseTime', p.at, {
      status: 'fail',
      output: 'the chatwoot-redis container does not exist',
      hint,
      observedValue: null,
    });
  const v = verdictOf(c);
  return result('redis', 'responseTime', p.at, {
    status: v.kind === 'ready' ? 'pass' : v.kind === 'waiting' ? 'warn' : 'fail',
    output: `chatwoot-redis container: ${v.detail} (its health check pings Redis)`,
    hint,
    observedValue: null,
  });
}
