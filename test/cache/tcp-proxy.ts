/**
 * A TCP proxy in front of Redis that a test can cut (connections reset, port closed)
 * or stall (connections stay open, nothing passes: the hang a dead network gives),
 * and restore on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  cut(): Promise<void>;
  stall(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        const pair: [Socket, Socket] = [client, upstream];
        pairs.add(pair);
        const end = () => {
          client.destroy();
          upstream.destroy();
          pairs.delete(pair);
        };
        for (const sock of pair) {
          sock.on('error', end);
          sock.on('close', end);
        }
        client.on('data', (d) => {
          if (!stalled) upstream.write(d);
        });
        upstream.on('data', (d) => {
          if (!stalled) client.write(d);
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve((s.address() as { port: number }).port);
      });
    });
  const port = await listen(0);
  const shut = async () => {
    const s = server;
    server = undefined;
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  return {
    port,
    cut: shut,
    stall() {
      stalled = true;
    },
    async restore() {
      stalled = false;
      if (!server) await listen(port);
    },
    close: shut,
  };
}
