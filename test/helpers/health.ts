/**
 * Stand-ins for what `health` checks, on 127.0.0.1: an HTTP service whose answer a
 * test sets (healthy, 500, slow, never answering, Chatwoot's /api body), a port that
 * refuses connections, and a TCP server that accepts and never says a word (for
 * Redis, PostgreSQL or HTTP that hangs).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export type StandInAnswer = { status: number; body?: string; delayMs?: number } | 'hang';

export interface StandIn {
  readonly url: string;
  readonly port: number;
  /** What the next requests get (by path). */
  answer: (path: string) => StandInAnswer;
  hits: number;
  close(): Promise<void>;
}

function closer(
  server: Server | ReturnType<typeof createNetServer>,
  sockets: Set<Socket>,
): () => Promise<void> {
  return () => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

export const HEALTHY: StandInAnswer = { status: 200, body: '{"status":"pass"}' };
export const chatwootBody = (data = 'ok', queue = 'ok') =>
  JSON.stringify({
    version: '4.0.4',
    timestamp: '2026-01-05 09:00:00',
    queue_services: queue,
    data_services: data,
  });

export async function standIn(
  answer: (path: string) => StandInAnswer = () => HEALTHY,
  port = 0,
): Promise<StandIn> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const s: StandIn = {
    url: '',
    port: 0,
    answer,
    hits: 0,
    close: async () => undefined,
  };
  const server = createHttpServer((req, res) => {
    s.hits++;
    const a = s.answer(req.url ?? '/');
    if (a === 'hang') return;
    const send = () => {
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body ?? '');
    };
    if (a.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, a.delayMs);
      timers.add(t);
    } else send();
  });
  server.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  const close = closer(server, sockets);
  return Object.assign(s, {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await close();
    },
  });
}

/** Accepts connections and never answers. */
export async function silentServer(): Promise<{
  port: number;
  url: (scheme: string) => string;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = createNetServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, url: (scheme) => `${scheme}://127.0.0.1:${port}`, close: closer(server, sockets) };
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function refusedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A health+json document's statuses by check key (first instance). */
export function statuses(json: {
  checks: Record<string, { status: string; output?: string }[]>;
}): Record<string, string> {
  return Object.fromEntries(Object.entries(json.checks).map(([k, v]) => [k, v[0]?.status ?? '?']));
}
