/**
 * Whether a franchise's host ports are free: a port is fine when nothing holds it or
 * when one of the franchise's own containers publishes it; otherwise it names who has it.
 */
import type Docker from 'dockerode';
import { DEFAULT_BIND_ADDRESS, PORT_KEYS, type Franchise, type PortKey } from '../franchise/franchise.schema.js';
import { isPortFree } from '../franchise/ports.js';
import { portOwners } from './engine.js';

export interface PortFinding {
  readonly key: PortKey;
  readonly port: number;
  readonly state: 'free' | 'ours' | 'taken';
  /** Who holds it, when taken or ours. */
  readonly by: string | undefined;
}

export async function hostPorts(f: Franchise, docker: Docker, projects: readonly string[], keys: readonly PortKey[] = PORT_KEYS): Promise<PortFinding[]> {
  const owners = await portOwners(docker);
  const bind = f.bind_address ?? DEFAULT_BIND_ADDRESS;
  return Promise.all(keys.map(async (key): Promise<PortFinding> => {
    const port = f.ports[key];
    const owner = owners.get(port);
    if (owner) {
      const ours = owner.project !== undefined && projects.includes(owner.project);
      return { key, port, state: ours ? 'ours' : 'taken', by: `container ${owner.name}` };
    }
    return (await isPortFree(port, bind)) ? { key, port, state: 'free', by: undefined } : { key, port, state: 'taken', by: 'a process on this host' };
  }));
}

export function describePort(p: PortFinding): string {
  if (p.state === 'free') return `${p.port} (${p.key}) free`;
  if (p.state === 'ours') return `${p.port} (${p.key}) in use by this franchise's ${p.by ?? 'container'}`;
  return `${p.port} (${p.key}) is taken by ${p.by ?? 'something else'}`;
}
