/**
 * The container that uses a rotated value (its consumer), as a rotation drives it:
 * recreate only that service from the freshly rendered files, wait until it is healthy,
 * read its environment, and run a probe inside it. Values are compared, never printed.
 */
import type Docker from 'dockerode';
import { demuxLogs, projectContainers, type ServiceContainer } from '../docker/engine.js';
import { mustCompose } from '../docker/compose.js';
import { erpProject, supportProject, type StackDeps } from '../docker/stack.js';
import { waitFor, type Verdict } from '../docker/wait.js';
import { KgcError } from '../errors/kgc-error.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';

/** A service that holds the rotated value, and in which compose project it runs. */
export interface Consumer {
  readonly service: string;
  readonly role: 'erp' | 'support';
}

/** A consumer's running container, as a plan's confirmation looks at it. */
export interface LiveConsumer {
  readonly service: string;
  readonly container: ServiceContainer;
  /** The container's environment (as the process in it sees it). */
  env(): Promise<ReadonlyMap<string, string>>;
  /** Runs `cmd` in the container with `env` added; ends within `timeoutMs`. */
  exec(cmd: readonly string[], env: readonly string[], timeoutMs: number): Promise<ExecOutcome>;
}

export interface ExecOutcome {
  readonly exitCode: number;
  readonly output: string;
}

export function projectOf(ref: FranchiseRef, c: Consumer) {
  return c.role === 'erp' ? erpProject(ref) : supportProject(ref);
}

export async function containerOf(
  ref: FranchiseRef,
  docker: Docker,
  c: Consumer,
): Promise<ServiceContainer | undefined> {
  const all = await projectContainers(docker, projectOf(ref, c).project);
  return all.find((x) => x.service === c.service);
}

/** Refuses a consumer that is not running: the rotation could not confirm it uses the new value. */
export async function assertRunning(
  ref: FranchiseRef,
  docker: Docker,
  c: Consumer,
): Promise<ServiceContainer> {
  const found = await containerOf(ref, docker, c);
  if (found?.state !== 'running')
    throw new KgcError(
      'not_ready',
      `franchise ${ref.id}: ${c.service} is ${found ? found.state : 'not created'}; a rotation recreates it and confirms it uses the new value, so start it first (kgc-support up --franchise ${ref.id})`,
    );
  return found;
}

/** `compose up -d --no-deps --force-recreate <service>`: that container only, from the rendered files. */
export async function recreate(ref: FranchiseRef, stack: StackDeps, c: Consumer): Promise<void> {
  await mustCompose(stack.compose, stack.exec, projectOf(ref, c), [
    'up',
    '-d',
    '--no-deps',
    '--force-recreate',
    c.service,
  ]);
}

/** Waits until the consumer's container (another than `before`) is healthy, or running without a healthcheck. */
export async function waitHealthy(
  ref: FranchiseRef,
  docker: Docker,
  c: Consumer,
  before: string | undefined,
  timeoutMs: number,
  onChange?: (v: Verdict) => void,
): Promise<ServiceContainer> {
  let last: ServiceContainer | undefined;
  const verdict = await waitFor(
    async () => {
      const found = await containerOf(ref, docker, c);
      last = found?.id === before ? undefined : found;
      return last;
    },
    { timeoutMs, ...(onChange ? { onChange } : {}) },
  );
  if (verdict.kind !== 'ready' || !last)
    throw new KgcError('support_unhealthy', `${c.service}: ${verdict.detail}`);
  return last;
}

export function liveConsumer(docker: Docker, service: string, c: ServiceContainer): LiveConsumer {
  const container = docker.getContainer(c.id);
  return {
    service,
    container: c,
    async env() {
      const info = (await container.inspect()) as { Config?: { Env?: string[] } };
      const out = new Map<string, string>();
      for (const line of info.Config?.Env ?? []) {
        const i = line.indexOf('=');
        if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
      }
      return out;
    },
    async exec(cmd, env, timeoutMs) {
      const run = await container.exec({
        Cmd: [...cmd],
        Env: [...env],
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await run.start({ hijack: true, stdin: false });
      const chunks: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          new Promise<void>((resolve, reject) => {
            stream.on('data', (d: Buffer) => chunks.push(d));
            stream.on('end', () => resolve());
            stream.on('error', reject);
          }),
          new Promise<void>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`)),
              timeoutMs,
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
        stream.destroy();
      }
      const info = await run.inspect();
      return { exitCode: info.ExitCode ?? -1, output: demuxLogs(Buffer.concat(chunks)).trim() };
    },
  };
}
