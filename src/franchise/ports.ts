/**
 * Host ports of the franchises on one host: chosen so that they do not clash, and
 * checked, because two stacks publishing one port means the second fails to start.
 */
import { createServer } from 'node:net';
import { KgcError } from '../errors/kgc-error.js';
import { PORT_KEYS, type Franchise, type PortKey, type Ports } from './franchise.schema.js';

/** The first franchise's ports; the k-th adds k * PORT_STEP (the families never meet). */
export const BASE_PORTS: Readonly<Ports> = {
  erp_api: 3000,
  daemon: 3030,
  chatbot: 5001,
  context: 5004,
  chatwoot: 3080,
};
export const PORT_STEP = 100;
const MAX_SLOTS = 200;

export interface PortUse {
  readonly franchise: string;
  readonly key: PortKey;
  readonly port: number;
}
export interface PortClash {
  readonly port: number;
  readonly uses: readonly PortUse[];
}

export function portUses(f: Pick<Franchise, 'id' | 'ports'>): PortUse[] {
  return PORT_KEYS.map((key) => ({ franchise: f.id, key, port: f.ports[key] }));
}

/** Every port published twice, within one franchise or across them. */
export function portClashes(franchises: readonly Pick<Franchise, 'id' | 'ports'>[]): PortClash[] {
  const byPort = new Map<number, PortUse[]>();
  for (const u of franchises.flatMap(portUses))
    byPort.set(u.port, [...(byPort.get(u.port) ?? []), u]);
  return [...byPort.entries()]
    .filter(([, uses]) => uses.length > 1)
    .map(([port, uses]) => ({
      port,
      uses: [...uses].sort(
        (a, b) => a.franchise.localeCompare(b.franchise) || a.key.localeCompare(b.key),
      ),
    }))
    .sort((a, b) => a.port - b.port);
}

export function describeClash(c: PortClash): string {
  return `port ${c.port} is used by ${c.uses.map((u) => `franchise ${u.franchise} (${u.key})`).join(' and ')}`;
}

export function slotPorts(k: number): Ports {
  return Object.fromEntries(
    PORT_KEYS.map((key) => [key, BASE_PORTS[key] + k * PORT_STEP]),
  ) as Ports;
}

/** The first slot whose ports no franchise uses and the host has free. */
export async function choosePorts(
  taken: ReadonlySet<number>,
  isFree: (port: number) => Promise<boolean>,
): Promise<Ports> {
  for (let k = 0; k < MAX_SLOTS; k++) {
    const ports = slotPorts(k);
    const list = PORT_KEYS.map((key) => ports[key]);
    if (list.some((p) => taken.has(p) || p > 65535)) continue;
    const free = await Promise.all(list.map(isFree));
    if (free.every(Boolean)) return ports;
  }
  throw new KgcError(
    'port_clash',
    `no free set of ports: the ${MAX_SLOTS} slots are taken by other franchises or busy on this host; give them with the init --*-port flags`,
  );
}

/** Whether nothing listens on host:port (we can bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
