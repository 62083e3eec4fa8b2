/**
 * The Docker engine through its API (dockerode): the containers of a compose project
 * with their state and health, their last log lines, and the integration network.
 * DOCKER_HOST is honoured (docker-modem reads it).
 */
import Docker from 'dockerode';
import { KgcError } from '../errors/kgc-error.js';

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ServiceContainer {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly service: string;
  /** created, running, paused, restarting, removing, exited, dead */
  readonly state: string;
  readonly health: Health;
  readonly startedAt: string | undefined;
  readonly exitCode: number | undefined;
  readonly restartCount: number;
  /** The kernel's OOM killer ended its last run. */
  readonly oomKilled: boolean;
  readonly image: string;
  /** The last health check's output, when it failed. */
  readonly healthOutput: string | undefined;
}

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

/**
 * The engine at DOCKER_HOST (a unix socket here; tcp:// and the rest as docker-modem reads them), else the local socket.
 * `timeoutMs` ends any request that gets no answer in that time (health checks must end).
 */
export function connectDocker(
  env: NodeJS.ProcessEnv = process.env,
  opts: { timeoutMs?: number } = {},
): Docker {
  const host = env.DOCKER_HOST;
  const timeout = opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {};
  if (host?.startsWith('unix://'))
    return new Docker({ socketPath: host.slice('unix://'.length), ...timeout });
  return new Docker(timeout);
}

export async function engineVersion(
  docker: Docker,
): Promise<{ version: string; apiVersion: string; os: string; arch: string; rootDir?: string }> {
  try {
    const [v, info] = await Promise.all([
      docker.version(),
      docker.info() as Promise<{ DockerRootDir?: string }>,
    ]);
    return {
      version: v.Version,
      apiVersion: v.ApiVersion,
      os: v.Os,
      arch: v.Arch,
      ...(info.DockerRootDir ? { rootDir: info.DockerRootDir } : {}),
    };
  } catch (err) {
    throw new KgcError(
      'docker_unreachable',
      `cannot reach the Docker engine: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function healthOf(state: Docker.ContainerInspectInfo['State'] | undefined): {
  health: Health;
  output: string | undefined;
} {
  const h = (
    state as
      { Health?: { Status?: string; Log?: { ExitCode: number; Output: string }[] } } | undefined
  )?.Health;
  if (!h?.Status) return { health: 'none', output: undefined };
  const last = h.Log?.[h.Log.length - 1];
  const health: Health =
    h.Status === 'healthy' || h.Status === 'unhealthy' || h.Status === 'starting'
      ? h.Status
      : 'none';
  return { health, output: last && last.ExitCode !== 0 ? last.Output.trim() : undefined };
}

/** The containers of a compose project (one-off `run` containers left out), by service. */
export async function projectContainers(
  docker: Docker,
  project: string,
): Promise<ServiceContainer[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${PROJECT_LABEL}=${project}`] },
  });
  const out = await Promise.all(
    list
      .filter((c) => (c.Labels['com.docker.compose.oneoff'] ?? 'False').toLowerCase() !== 'true')
      .map(async (c): Promise<ServiceContainer | undefined> => {
        try {
          const info = await docker.getContainer(c.Id).inspect();
          const { health, output } = healthOf(info.State);
          return {
            id: c.Id,
            name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
            project,
            service: c.Labels[SERVICE_LABEL] ?? '',
            state: info.State.Status,
            health,
            startedAt: info.State.Running ? info.State.StartedAt : undefined,
            // A restarting container keeps its last exit code: the crash loop's reason.
            exitCode: info.State.Status === 'running' ? undefined : info.State.ExitCode,
            restartCount: info.RestartCount ?? 0,
            oomKilled: info.State.OOMKilled === true,
            image: c.Image,
            healthOutput: output,
          };
        } catch {
          return undefined; // removed between list and inspect
        }
      }),
  );
  return out
    .filter((c): c is ServiceContainer => c !== undefined)
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** Docker's log stream of a container without a TTY: 8-byte frame headers before each chunk. */
export function demuxLogs(buf: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (
    i + 8 <= buf.length &&
    (buf[i] === 0 || buf[i] === 1 || buf[i] === 2) &&
    buf[i + 1] === 0 &&
    buf[i + 2] === 0 &&
    buf[i + 3] === 0
  ) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len).toString('utf8'));
    i += 8 + len;
  }
  if (i < buf.length) parts.push(buf.subarray(i).toString('utf8')); // a TTY container: raw text
  return parts.join('');
}

/** The last `lines` log lines of a container (since `sinceSeconds`, a Unix time, when given). */
export async function lastLogLines(
  docker: Docker,
  id: string,
  lines: number,
  sinceSeconds?: number,
): Promise<string> {
  try {
    const buf = await docker.getContainer(id).logs({
      stdout: true,
      stderr: true,
      tail: lines,
      follow: false,
      ...(sinceSeconds !== undefined ? { since: sinceSeconds } : {}),
    });
    return demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
  } catch (err) {
    return `(no logs: ${(err as Error).message})`;
  }
}

/**
 * Creates the network when it does not exist, labelled as compose would label it for
 * `project`, so that the project's own `up` adopts it instead of complaining.
 */
export async function ensureNetwork(
  docker: Docker,
  name: string,
  project: string,
  key: string,
): Promise<'created' | 'exists'> {
  const found = await docker.listNetworks({ filters: { name: [name] } });
  if (found.some((n) => n.Name === name)) return 'exists';
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    Labels: { [PROJECT_LABEL]: project, 'com.docker.compose.network': key },
  });
  return 'created';
}

/** Containers publishing a host port, with their project (for `doctor` and `up`'s pre-flight). */
export async function portOwners(
  docker: Docker,
): Promise<Map<number, { name: string; project: string | undefined }>> {
  const out = new Map<number, { name: string; project: string | undefined }>();
  for (const c of await docker.listContainers({ all: false })) {
    for (const p of c.Ports ?? []) {
      if (p.PublicPort)
        out.set(p.PublicPort, {
          name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
          project: c.Labels[PROJECT_LABEL],
        });
    }
  }
  return out;
}
