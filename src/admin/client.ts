/** The CLI side of the admin API: one JSON request over the daemon's Unix socket. */
import { request } from 'node:http';
import { errorFromProblem, KgcError } from '../errors/kgc-error.js';

/** Why no daemon answered when none listens on the socket (refused, or no socket file). */
const NOBODY_LISTENS = new Set(['ECONNREFUSED', 'ENOENT']);

/**
 * Whether `err` says that no daemon listens on the admin socket at all (the caller may then
 * open the store itself), as opposed to a daemon that listens but cannot be used (a
 * timeout, a socket this user may not open). Either is the catalogue's daemon_unreachable.
 */
export function nobodyListens(err: unknown): boolean {
  if (!(err instanceof KgcError) || err.code !== 'daemon_unreachable') return false;
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  return cause?.code !== undefined && NOBODY_LISTENS.has(cause.code);
}

function adminRequest(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  what: string,
  timeoutMs: number,
  body?: string,
  actor?: string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> =
      body === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (actor !== undefined) headers['x-kgc-actor'] = actor;
    const req = request({ socketPath, path, method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text === '' ? null : JSON.parse(text);
        } catch {
          reject(
            new KgcError(
              'daemon_unreachable',
              `the daemon answered something that is not JSON (HTTP ${res.statusCode})`,
            ),
          );
          return;
        }
        if (res.statusCode === 200) resolve(parsed);
        else reject(errorFromProblem((parsed ?? {}) as Record<string, unknown>));
      });
    });
    req.on('timeout', () =>
      req.destroy(
        new KgcError(
          'daemon_unreachable',
          `the daemon did not answer ${what} within ${timeoutMs / 1000}s`,
        ),
      ),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof KgcError) reject(err);
      else if (err.code !== undefined && NOBODY_LISTENS.has(err.code))
        reject(new KgcError('daemon_unreachable', err.message, { cause: err }));
      else if (err.code === 'EACCES')
        reject(
          new KgcError(
            'daemon_unreachable',
            `the daemon's admin socket ${socketPath} is its owner's only (EACCES): run this as root (sudo) or as the user the daemon runs as`,
          ),
        );
      else reject(new KgcError('daemon_unreachable', `cannot talk to the daemon: ${err.message}`));
    });
    req.end(body);
  });
}

export async function callAdmin(
  socketPath: string,
  opName: string,
  input: unknown,
  actor: string,
  timeoutMs = 120_000,
): Promise<unknown> {
  return adminRequest(
    socketPath,
    'POST',
    `/v1/ops/${encodeURIComponent(opName)}`,
    opName,
    timeoutMs,
    JSON.stringify(input ?? {}),
    actor,
  );
}

/** What the daemon says about itself (pid, url, store, module switch, Support's lifecycle state). */
export async function adminInfo(
  socketPath: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  return (await adminRequest(socketPath, 'GET', '/v1/info', 'info', timeoutMs)) as Record<
    string,
    unknown
  >;
}
