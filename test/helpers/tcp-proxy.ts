/**
 * A TCP proxy in front of a real server (PostgreSQL, Redis) that a fault test can
 * cut and restore: `cut()` resets every open connection and refuses new ones (the
 * port stops listening), `cut('hang')` keeps accepting but never forwards a byte
 * (a network partition), `cut('stall')` keeps every connection open but moves no byte
 * until `restore()` (a stalled network: what was sent flows again, as TCP would
 * retransmit it), `restore()` listens on the same port again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** The target URL with its host and port replaced by the proxy's. */
  url(targetUrl: string): string;
  cut(mode?: 'refuse' | 'hang' | 'stall'): Promise<void>;
  restore(): Promise<void>;
  /** Connections accepted so far (forwarded or hung). */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let mode: 'up' | 'refuse' | 'hang' | 'stall' = 'up';
  const waiting: (() => void)[] = []; // connections accepted while stalled
  let accepted = 0;
  let server: Server | undefined;

  const onConnection = (client: Socket): void => {
    accepted++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (mode === 'hang') return; // accepted, never answered
    if (mode === 'stall') {
      client.pause();
      waiting.push(() => forward(client));
      return;
    }
    forward(client);
  };

  const forward = (client: Socket): void => {
    client.resume();
    const upstream = connect(targetPort, targetHost);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        const addr = s.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });

  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
    });

  const resetAll = (): void => {
    for (const s of open) s.resetAndDestroy();
    open.clear();
  };

  const port = await listen(0);
  return {
    port,
    url(targetUrl) {
      const u = new URL(targetUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async cut(how = 'refuse') {
      mode = how;
      if (how === 'stall') {
        for (const s of open) s.pause();
        return;
      }
      resetAll();
      if (how === 'refuse') await stopListening();
    },
    async restore() {
      const was = mode;
      mode = 'up';
      if (was === 'stall') {
        for (const s of open) s.resume();
        for (const go of waiting.splice(0)) go();
      } else resetAll(); // hung connections never recover; their owners reconnect
      if (!server) await listen(port);
    },
    get accepted() {
      return accepted;
    },
    async close() {
      mode = 'refuse';
      waiting.length = 0;
      resetAll();
      await stopListening();
    },
  };
}
