/**
 * A webhook receiver on 127.0.0.1 for tests: records every request (path, headers,
 * raw body, time) and answers as `behaviour` says: a status, a delay, or a dropped
 * connection. `stop()` closes the port (connections refused) and `start()` reopens
 * it on the same port: Support going away and coming back.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { drop: true }
  | { hang: true };
export type Behaviour = (req: Received, nth: number) => Answer;

export interface TestReceiver {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** Webhook deliveries only (not /health probes). */
  readonly deliveries: Received[];
  behaviour: Behaviour;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when `n` deliveries have arrived (or rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
}

export async function startReceiver(
  behaviour: Behaviour = () => ({ status: 204 }),
  port = 0,
): Promise<TestReceiver> {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const received: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let boundPort = port;
  const rec: TestReceiver = {
    url: '',
    port: 0,
    received,
    get deliveries() {
      return received.filter((r) => r.path !== '/health');
    },
    behaviour,
    async start() {
      server = createServer((req, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const r: Received = {
            path: req.url ?? '',
            method: req.method ?? '',
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            at: Date.now(),
          };
          received.push(r);
          const answer =
            r.path === '/health' ? { status: 200 } : rec.behaviour(r, rec.deliveries.length);
          if (r.path !== '/health') {
            const n = rec.deliveries.length;
            for (const w of waiters.splice(0))
              if (n >= w.n) w.resolve();
              else waiters.push(w);
          }
          if ('drop' in answer) {
            req.socket.destroy();
            return;
          }
          if ('hang' in answer) return;
          const send = () => {
            res.writeHead(answer.status, answer.headers ?? {});
            res.end(answer.body ?? '');
          };
          if (answer.delayMs) setTimeout(send, answer.delayMs);
          else send();
        });
      });
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((resolve) => server?.listen(boundPort, '127.0.0.1', resolve));
      boundPort = (server.address() as AddressInfo).port;
      (rec as { port: number }).port = boundPort;
      (rec as { url: string }).url = `http://127.0.0.1:${boundPort}`;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    waitFor(n, timeoutMs = 20_000) {
      if (rec.deliveries.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(
                `only ${rec.deliveries.length} of ${n} deliveries arrived within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      });
    },
  };
  await rec.start();
  return rec;
}

/** Polls `check` until it is true (or fails after timeoutMs): for state written asynchronously. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
