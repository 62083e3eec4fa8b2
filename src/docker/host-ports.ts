/**
 * Whether a franchise's host ports are free: a port is fine when nothing holds it or
 * when one of the franchise's own containers publishes it; otherwise it names who has it.
 */
import type Docker from 'dockerode';
import {
  DEFAULT_BIND_ADDRESS,
  PORT_KEYS,
  type Franchise,
  type PortKey,
} from '../franchise/franchise.schema.js';
import { isPortFree } from '../franchise/ports.js';
import { portOwners, PROJECT_LABEL } from './engine.js';

export interface PortFinding {
  readonly key: PortKey;
  readonly port: number;
  readonly state: 'free' | 'ours' | 'taken';
  /** Who holds it, when taken or ours. */
  readonly by: string | undefined;
}

/**
 * The host ports the projects' own live containers are configured to publish, running or not:
 * a crash-looping container holds its port only while it runs, so between restarts
 * the engine lists no port for it, and a moment later its docker-proxy has it again.
 */
export async function configuredPorts(
  docker: Docker,
  projects: readonly string[],
): Promise<Map<number, { name: string; project: string }>> {
  const out = new Map<number, { name: string; project: string }>();
  // Label filters are ANDed by the engine: one question per project.
  const lists = await Promise.all(
    [...new Set(projects)].map((p) =>
      docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${p}`] } }),
    ),
  );
  // An exited one holds nothing: whoever has its port now is someone else.
  for (const c of lists
    .flat()
    .filter((x) => x.State === 'running' || x.State === 'restarting' || x.State === 'paused')) {
    const project = c.Labels[PROJECT_LABEL] as string;
    let bindings: Record<string, { HostPort?: string }[] | null> = {};
    try {
      bindings = ((await docker.getContainer(c.Id).inspect()).HostConfig.PortBindings ??
        {}) as typeof bindings;
    } catch {
      continue; // removed meanwhile
    }
    for (const b of Object.values(bindings).flatMap((x) => x ?? [])) {
      const port = Number(b.HostPort);
      if (Number.isInteger(port) && port > 0)
        out.set(port, { name: (c.Names[0] ?? c.Id).replace(/^\//, ''), project });
    }
  }
  return out;
}

export async function hostPorts(
  f: Franchise,
  docker: Docker,
  projects: readonly string[],
  keys: readonly PortKey[] = PORT_KEYS,
): Promise<PortFinding[]> {
  const [owners, own] = await Promise.all([portOwners(docker), configuredPorts(docker, projects)]);
  const bind = f.bind_address ?? DEFAULT_BIND_ADDRESS;
  return Promise.all(
    keys.map(async (key): Promise<PortFinding> => {
      const port = f.ports[key];
      const mine = own.get(port);
      if (mine) return { key, port, state: 'ours', by: `container ${mine.name}` };
      const owner = owners.get(port);
      if (owner) {
        const ours = owner.project !== undefined && projects.includes(owner.project);
        return { key, port, state: ours ? 'ours' : 'taken', by: `container ${owner.name}` };
      }
      return (await isPortFree(port, bind))
        ? { key, port, state: 'free', by: undefined }
        : { key, port, state: 'taken', by: 'a process on this host' };
    }),
  );
}

export function describePort(p: PortFinding): string {
  if (p.state === 'free') return `${p.port} (${p.key}) free`;
  if (p.state === 'ours')
    return `${p.port} (${p.key}) in use by this franchise's ${p.by ?? 'container'}`;
  return `${p.port} (${p.key}) is taken by ${p.by ?? 'something else'}`;
}
