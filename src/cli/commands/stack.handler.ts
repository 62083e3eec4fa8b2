import { parseDuration } from '../../config/duration.js';
import { cryptoRandom } from '../../context/clock.js';
import { lastLogLines, projectContainers, type ServiceContainer } from '../../docker/engine.js';
import { describePort, hostPorts } from '../../docker/host-ports.js';
import { checkImages, describeMissing, stackImages } from '../../docker/images.js';
import { ERP_SERVICES } from '../../render/services.js';
import {
  chosenServices,
  erpProject,
  startErp,
  startSupport,
  stopSupport,
  supportProject,
  type StackDeps,
} from '../../docker/stack.js';
import { waitFor, type Verdict } from '../../docker/wait.js';
import { daemonReadiness, type Readiness } from '../../health/daemon-ready.js';
import { targetsFromFranchise } from '../../health/franchise-targets.js';
import { KgcError } from '../../errors/kgc-error.js';
import { loadAllFranchises, type FranchiseRef } from '../../franchise/franchise.store.js';
import { assertNoPortClash, driftOf, planRender } from '../../render/render.service.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import { franchiseOf, rootOf, shippedTemplates, stackDeps } from '../installer-context.js';
import type { CliIO } from '../io.js';
import { table, type Output } from '../output.js';
import { progress } from '../progress.js';

export interface StackFlags {
  franchise?: string;
  dir?: string;
  service?: string[];
}
export interface UpFlags extends StackFlags {
  timeout: string;
  erp?: boolean;
}

const LOG_LINES = 20;
const DAEMON = 'kgc-support';

/**
 * Asks the daemon's /ready until it is ready, the deadline passes, or it fails for a
 * reason waiting will not mend (a wrong password): then at once, with the words.
 */
async function waitReady(
  url: string,
  deadline: number,
  onChange: (r: Readiness) => void,
): Promise<Readiness> {
  let last = '';
  for (;;) {
    const r = await daemonReadiness(url, 5_000);
    if (r.detail !== last) {
      last = r.detail;
      if (!r.ready) onChange(r);
    }
    if (r.ready || r.permanent || Date.now() >= deadline) return r;
    await new Promise((res) => setTimeout(res, 1_000));
  }
}

/** Refuses to start on files that are missing or differ from what render would write. */
function assertRendered(ref: FranchiseRef): void {
  const drift = driftOf(planRender(ref, shippedTemplates(), cryptoRandom));
  if (drift.length > 0) {
    throw new KgcError(
      'render_stale',
      `franchise ${ref.id}: ${drift.map((d) => `${d.path} (${d.drift})`).join(', ')}: run kgc-support render --franchise ${ref.id}`,
    );
  }
}

/** One look at the project's containers, shared by every waiting service for a moment. */
function snapshots(deps: StackDeps, project: string): () => Promise<ServiceContainer[]> {
  let last: { at: number; value: Promise<ServiceContainer[]> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > 400)
      last = { at: Date.now(), value: projectContainers(deps.docker, project) };
    return last.value;
  };
}

async function reportFailures(
  io: CliIO,
  out: Output,
  deps: StackDeps,
  failed: readonly { service: string; verdict: Verdict; container: ServiceContainer | undefined }[],
  sinceSeconds: number,
): Promise<void> {
  for (const f of failed) {
    io.writeErr(`\n${out.style.red('✖')} ${out.style.bold(f.service)}: ${f.verdict.detail}\n`);
    if (f.verdict.detail.startsWith('stopped waiting')) continue; // not its fault: another service failed
    if (f.container?.healthOutput)
      io.writeErr(
        `  last health check said: ${f.container.healthOutput.split('\n').slice(0, 5).join('\n  ')}\n`,
      );
    if (!f.container) continue;
    // Only what this up saw: an old run's lines would tell a cause that may be gone.
    const lines = (
      await lastLogLines(deps.docker, f.container.id, LOG_LINES, sinceSeconds)
    ).trimEnd();
    io.writeErr(
      `  last ${LOG_LINES} log lines of ${f.container.name}:\n${
        lines === ''
          ? '  (none)'
          : lines
              .split('\n')
              .map((l) => `  │ ${l}`)
              .join('\n')
      }\n`,
    );
  }
}

export interface UpResult {
  readonly franchise: string;
  readonly project: string;
  readonly elapsed_ms: number;
  readonly daemon_ready?: boolean;
  readonly services: readonly { service: string; status: string }[];
}

/**
 * `up` without its last word: starts the support services, waits until they are healthy
 * and the daemon ready (progress on stderr), throws a KgcError saying what failed. Also
 * what `upgrade` brings the new version up with.
 */
export async function bringUp(
  io: CliIO,
  g: GlobalOptions,
  o: UpFlags,
  out: Output,
  /** false: the files are put back by upgrade's rollback, not as render would write them now. */
  checkRendered = true,
): Promise<UpResult> {
  const ref = franchiseOf(io, g, o);
  const services = chosenServices(o.service);
  const timeoutMs = parseDuration(o.timeout, '--timeout');
  if (!ref.franchise.support.enabled)
    throw new KgcError('support_disabled', `franchise ${ref.id} has support.enabled: false`);
  assertNoPortClash(
    ref.franchise,
    loadAllFranchises(rootOf(io, g, o)).map((r) => r.franchise),
  );
  if (checkRendered) assertRendered(ref);
  const deps = await stackDeps(io, g);
  const project = supportProject(ref).project;
  const projects = [project, erpProject(ref).project];
  const taken = (
    await hostPorts(
      ref.franchise,
      deps.docker,
      projects,
      o.erp ? undefined : ['daemon', 'chatbot', 'context', 'chatwoot'],
    )
  ).filter((p) => p.state === 'taken');
  if (taken.length > 0) throw new KgcError('port_clash', taken.map(describePort).join('; '));
  // Before anything starts: compose would fail on a missing image with a registry DNS error.
  const images = await checkImages(
    deps.docker,
    stackImages(ref, [...(o.erp ? ERP_SERVICES : []), ...services]),
  );
  const missing = images.filter((i) => i.presence.state === 'missing');
  if (missing.length > 0) {
    throw new KgcError(
      'image_missing',
      `franchise ${ref.id}: ${missing.length} image(s) not present on this engine and not pullable:\n${describeMissing(missing, ref.id)}`,
      { extras: { missing_images: missing.map((i) => i.ref) } },
    );
  }

  const started = Date.now();
  const sinceSeconds = Math.floor(started / 1000) - 1;
  // Restart counts as this up finds them: its crash-loop verdict counts only the restarts since.
  const restartsBefore = new Map(
    (await projectContainers(deps.docker, project)).map((c) => [c.id, c.restartCount]),
  );
  const verdicts = new Map<string, Verdict>();
  let readiness: Readiness | undefined;
  const daemonUrl = targetsFromFranchise(ref, undefined).daemonUrl;
  // A step's own error is reported once, after the progress display, not inside it as well.
  let fatal: KgcError | undefined;
  const step = (fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof KgcError)) throw err;
      fatal = err;
      throw new Error('see below');
    }
  };
  const look = snapshots(deps, project);
  // One service failing ends the whole wait: the others are not waited for until the timeout.
  const giveUp = new AbortController();
  const tasks = progress(
    io,
    out,
    g.quiet === true,
    [
      ...(o.erp
        ? [
            {
              title: `Start the ERP (${deps.compose.display} up -d)`,
              task: step(() => startErp(ref, deps)),
            },
          ]
        : []),
      {
        title: `Start the support services (${deps.compose.display} up -d, project ${project})`,
        task: step(() => startSupport(ref, deps, services)),
      },
      {
        title: `Wait until they are healthy (at most ${o.timeout})`,
        // Shown as done only when every service is healthy: the step fails after its sub-steps when one did not.
        task: async (_ctx, task) => {
          await task
            .newListr(
              services.map((service) => ({
                title: service,
                task: async (_c, t) => {
                  const v = await waitFor(
                    async () => (await look()).find((c) => c.service === service),
                    {
                      timeoutMs,
                      signal: giveUp.signal,
                      restartsBefore,
                      onChange: (x) => {
                        t.title = `${service}: ${x.detail}`;
                      },
                    },
                  );
                  verdicts.set(service, v);
                  if (v.kind === 'failed') {
                    if (!giveUp.signal.aborted) giveUp.abort(`stopped waiting: ${service} failed`);
                    throw new Error(`${service}: ${v.detail}`);
                  }
                },
              })),
              { concurrent: true, exitOnError: false },
            )
            .run();
          const bad = services.filter((s) => verdicts.get(s)?.kind !== 'ready');
          if (bad.length > 0) throw new Error(`not healthy: ${bad.join(', ')}`);
        },
      },
      ...(services.includes(DAEMON)
        ? [
            {
              title: `Wait until the daemon is ready (${daemonUrl}/ready)`,
              // Alive is not ready: its store, the ERP's database and the contract must answer.
              task: async (_c: unknown, t: { title: string }) => {
                readiness = await waitReady(daemonUrl, started + timeoutMs, (r) => {
                  t.title = `kgc-support: not ready yet: ${r.detail}`;
                });
                if (!readiness.ready) throw new Error(`not ready: ${readiness.detail}`);
                t.title = `kgc-support ready (${daemonUrl}/ready)`;
              },
            },
          ]
        : []),
    ],
    {},
  );
  try {
    await tasks.run();
  } catch {
    // A step failed (fatal), or a service did not get healthy: reported below.
  }
  if (fatal) throw fatal;
  const failed = services.filter((s) => verdicts.get(s)?.kind !== 'ready');
  if (failed.length > 0) {
    const containers = await look();
    await reportFailures(
      io,
      out,
      deps,
      failed.map((service) => ({
        service,
        verdict: verdicts.get(service) ?? { kind: 'failed', detail: 'not checked' },
        container: containers.find((c) => c.service === service),
      })),
      sinceSeconds,
    );
    throw new KgcError(
      'support_unhealthy',
      `franchise ${ref.id}: ${failed.join(', ')} not healthy`,
      { extras: { failed_services: failed } },
    );
  }
  if (services.includes(DAEMON) && readiness?.ready !== true) {
    const why = readiness?.detail ?? 'not asked';
    io.writeErr(
      `\n${out.style.red('✖')} ${out.style.bold(DAEMON)}: running but not ready: ${why}\n`,
    );
    throw new KgcError(
      'support_unhealthy',
      `franchise ${ref.id}: the daemon is not ready: ${why}`,
      { extras: { failed_services: [DAEMON], ready: false } },
    );
  }
  return {
    franchise: ref.id,
    project,
    elapsed_ms: Date.now() - started,
    ...(readiness ? { daemon_ready: readiness.ready } : {}),
    services: services.map((service) => ({
      service,
      status: verdicts.get(service)?.detail ?? 'healthy',
    })),
  };
}

export async function up(io: CliIO, g: GlobalOptions, o: UpFlags): Promise<void> {
  const out = outputFor(io, g);
  const result = await bringUp(io, g, o, out);
  out.result(
    result,
    () =>
      `${out.style.green('✔')} franchise ${result.franchise}: ${result.services.length} support service(s) healthy${result.daemon_ready === true ? ', the daemon ready' : ''} in ${(result.elapsed_ms / 1000).toFixed(1)}s\n${table(
        ['SERVICE', 'STATUS'],
        result.services.map((s) => [s.service, s.status]),
        out.style,
      )}`,
  );
}

export async function down(io: CliIO, g: GlobalOptions, o: StackFlags): Promise<void> {
  const out = outputFor(io, g);
  const ref = franchiseOf(io, g, o);
  const services = chosenServices(o.service);
  const deps = await stackDeps(io, g);
  const project = supportProject(ref).project;
  const before = (await projectContainers(deps.docker, project)).filter((c) =>
    services.includes(c.service),
  );
  await stopSupport(ref, deps, services);
  const result = {
    franchise: ref.id,
    project,
    removed: before.map((c) => ({ service: c.service, container: c.name })),
  };
  out.result(result, () =>
    result.removed.length === 0
      ? `franchise ${ref.id}: no support service was running`
      : `${out.style.green('✔')} franchise ${ref.id}: stopped and removed ${result.removed.map((r) => r.service).join(', ')}; the ERP was not touched`,
  );
}
