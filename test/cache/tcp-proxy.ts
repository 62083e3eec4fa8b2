/**
 * A TCP proxy in front of Redis that a test can cut (connections reset, port closed)
 * or stall (connections stay open and nothing arrives: the hang a dead network gives;
 * bytes are held, as TCP would retransmit them, and flow again on restore), and
 * restore on the same port.
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
  const held: (() => void)[] = [];
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
        const forward = (to: Socket) => (d: Buffer) => {
          if (stalled) held.push(() => to.write(d));
          else to.write(d);
        };
        client.on('data', forward(upstream));
        upstream.on('data', forward(client));
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
    held.length = 0;
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
      for (const send of held.splice(0)) send();
      if (!server) await listen(port);
    },
    close: shut,
  };
}
