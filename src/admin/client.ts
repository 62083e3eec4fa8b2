/** The CLI side of the admin API: one JSON request over the daemon's Unix socket. */
import { request } from 'node:http';
import { errorFromProblem, KgcError } from '../errors/kgc-error.js';

export class DaemonUnreachable extends Error {}

export async function callAdmin(socketPath: string, opName: string, input: unknown, actor: string, timeoutMs = 120_000): Promise<unknown> {
  const body = JSON.stringify(input ?? {});
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath, path: `/v1/ops/${encodeURIComponent(opName)}`, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-kgc-actor': actor },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text === '' ? null : JSON.parse(text);
        } catch {
          reject(new KgcError('daemon_unreachable', `the daemon answered something that is not JSON (HTTP ${res.statusCode})`));
          return;
        }
        if (res.statusCode === 200) resolve(parsed);
        else reject(errorFromProblem((parsed ?? {}) as Record<string, unknown>));
      });
    });
    req.on('timeout', () => req.destroy(new KgcError('daemon_unreachable', `the daemon did not answer ${opName} within ${timeoutMs / 1000}s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof KgcError) reject(err);
      else if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') reject(new DaemonUnreachable(err.message));
      else reject(new KgcError('daemon_unreachable', `cannot talk to the daemon: ${err.message}`));
    });
    req.end(body);
  });
}
