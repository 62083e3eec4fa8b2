import { existsSync } from 'node:fs';
import { adminInfo } from '../../admin/client.js';
import {
  connectDocker,
  engineVersion,
  lastLogLines,
  projectContainers,
} from '../../docker/engine.js';
import { verdictOf } from '../../docker/wait.js';
import { KgcError } from '../../errors/kgc-error.js';
import { daemonReadiness, type Readiness } from '../../health/daemon-ready.js';
import { targetsFromFranchise } from '../../health/franchise-targets.js';
import type { LifecycleView } from '../../health/health.schema.js';
import { humanDuration } from '../../health/report.js';
import { franchiseAdminSocket, type FranchiseRef } from '../../franchise/franchise.store.js';
import { execaExec, mustCompose, requireCompose } from '../../docker/compose.js';
import {
  chosenServices,
  stackState,
  supportProject,
  type ServiceState,
} from '../../docker/stack.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import { franchiseOf, installerConfig } from '../installer-context.js';
import type { CliIO } from '../io.js';
import { table, type Style } from '../output.js';
import { daemonApiFacts } from './health.sources.js';
import type { StackFlags } from './stack.handler.js';

export interface LogsFlags extends StackFlags {
  tail: string;
  follow?: boolean;
}

/** 3725 → "1h 2m". */
export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export interface ServiceStatus {
  service: string;
  role: 'erp' | 'support';
  project: string;
  state: string;
  health: string;
  uptime_seconds: number | null;
  container: string | null;
  image: string | null;
}

export function serviceStatus(s: ServiceState, now: number): ServiceStatus {
  const c = s.container;
  const started = c?.startedAt ? Date.parse(c.startedAt) : NaN;
  return {
    service: s.service,
    role: s.role,
    project: s.project,
    state: c ? c.state : 'missing',
    health: c ? c.health : 'none',
    uptime_seconds: Number.isNaN(started) ? null : Math.max(0, Math.round((now - started) / 1000)),
    container: c ? c.id.slice(0, 12) : null,
    image: c ? c.image : null,
  };
}

function stateCell(s: ServiceStatus, style: Style): string {
  if (s.state === 'running') return style.green(s.state);
  return s.state === 'missing' ? style.dim(s.state) : style.red(s.state);
}

function healthCell(s: ServiceStatus, style: Style): string {
  if (s.health === 'healthy') return style.green(s.health);
  if (s.health === 'unhealthy') return style.red(s.health);
  return s.health === 'starting' ? style.yellow(s.health) : style.dim('-');
}

/** Which daemon answered: its admin socket (with pid and store), or its published URL. */
export type AnsweredBy =
  | { franchise: string; socket: string; pid: number | null; store: string | null }
  | { franchise: string; url: string };

export type SupportModuleStatus =
  | (Pick<LifecycleView, 'state' | 'since' | 'checked_at' | 'detail' | 'deliveries_held'> & {
      module_enabled: boolean;
      daemon: AnsweredBy;
    })
  | { state: 'UNKNOWN'; detail: string };

/** The lifecycle from the admin socket in the franchise directory, or undefined when no daemon answers there. */
async function viaSocket(
  ref: FranchiseRef,
  timeoutMs: number,
): Promise<SupportModuleStatus | undefined> {
  const socket = franchiseAdminSocket(ref.dir);
  if (!existsSync(socket)) return undefined;
  let info: Record<string, unknown>;
  try {
    info = await adminInfo(socket, timeoutMs);
  } catch {
    return undefined;
  }
  const l = info.support as LifecycleView | undefined;
  if (!l) return undefined;
  const daemon: AnsweredBy = {
    franchise: ref.id,
    socket,
    pid: typeof info.pid === 'number' ? info.pid : null,
    store: typeof info.store === 'string' ? info.store : null,
  };
  return {
    state: l.state,
    since: l.since,
    checked_at: l.checked_at,
    detail: l.detail,
    deliveries_held: l.deliveries_held,
    module_enabled: info.module_enabled === true,
    daemon,
  };
}

/**
 * The module's lifecycle as the franchise's daemon sees it: from its admin socket
 * (<franchise dir>/run/admin.sock), else its /api/support/health with the franchise's key.
 */
export async function supportModuleOf(
  ref: FranchiseRef,
  timeoutMs: number,
): Promise<SupportModuleStatus> {
  const bySocket = await viaSocket(ref, timeoutMs);
  if (bySocket) return bySocket;
  const t = targetsFromFranchise(ref, undefined);
  if (!t.apiKey)
    return {
      state: 'UNKNOWN',
      detail: `no daemon answers on ${franchiseAdminSocket(ref.dir)}, and no KGC_API_KEY in ${ref.dir}/secrets.env to ask its URL with`,
    };
  try {
    const { lifecycle: l, facts } = await daemonApiFacts(t.daemonUrl, t.apiKey, '14d', timeoutMs);
    if (!l) return { state: 'UNKNOWN', detail: 'the daemon did not say' };
    return {
      state: l.state,
      since: l.since,
      checked_at: l.checked_at,
      detail: l.detail,
      deliveries_held: l.deliveries_held,
      module_enabled: facts.module_enabled,
      daemon: { franchise: ref.id, url: t.daemonUrl },
    };
  } catch (err) {
    return { state: 'UNKNOWN', detail: (err as Error).message };
  }
}

function answeredBy(d: AnsweredBy): string {
  if ('url' in d) return `franchise ${d.franchise}'s daemon at ${d.url}`;
  const facts = [d.pid === null ? '' : `pid ${d.pid}`, d.store ? `store ${d.store}` : '']
    .filter(Boolean)
    .join(', ');
  return `franchise ${d.franchise}'s daemon on ${d.socket}${facts ? ` (${facts})` : ''}`;
}

function moduleLine(m: SupportModuleStatus, style: Style, now: number): string {
  if (m.state === 'UNKNOWN') return `Support module: ${style.dim('unknown')} (${m.detail})`;
  const colour =
    m.state === 'DOWN'
      ? style.red
      : m.state === 'DEGRADED' || m.state === 'DISABLED'
        ? style.yellow
        : style.green;
  const checked = m.checked_at
    ? `, checked ${humanDuration(now - Date.parse(m.checked_at))} ago`
    : '';
  const deliveries =
    m.state === 'DISABLED'
      ? ''
      : `; webhook deliveries ${m.deliveries_held ? style.yellow('held (Support unreachable)') : 'flowing'}`;
  return (
    `Support module: ${colour(m.state)} since ${m.since}${checked}${deliveries}${m.state === 'HEALTHY' ? '' : `\n  ${style.dim(m.detail)}`}` +
    `\n  ${style.dim(`answered by ${answeredBy(m.daemon)}`)}`
  );
}

/** What keeps the support services from serving, one line each (empty: nothing). */
function problemsOf(
  states: readonly ServiceState[],
  wanted: ReadonlySet<string> | undefined,
  daemon: Readiness | undefined,
): string[] {
  const problems: string[] = [];
  for (const s of states) {
    if (s.role !== 'support' || (wanted && !wanted.has(s.service))) continue;
    const v = verdictOf(s.container);
    if (!s.container) problems.push(`${s.service}: not created (start it: kgc-support up)`);
    else if (v.kind !== 'ready') problems.push(`${s.service}: ${v.detail}`);
  }
  if (daemon && !daemon.ready) problems.push(`the daemon is not ready: ${daemon.detail}`);
  return problems;
}

/** What `status --json` prints: the franchise, the module's lifecycle, each service, what does not serve (also for support-bundle). */
export async function statusReport(io: CliIO, o: StackFlags, ref: FranchiseRef) {
  const docker = connectDocker(io.env);
  const moduleState = supportModuleOf(ref, 3_000);
  const wanted = o.service === undefined ? undefined : new Set(chosenServices(o.service));
  // Readiness, not liveness: "healthy" means the daemon answers the Pull API.
  const askDaemon = ref.franchise.support.enabled && (!wanted || wanted.has('kgc-support'));
  const readiness = askDaemon
    ? daemonReadiness(targetsFromFranchise(ref, undefined).daemonUrl, 3_000)
    : undefined;
  await engineVersion(docker);
  const now = Date.now();
  const states = await stackState(ref, docker);
  const services = states
    .filter((s) => !wanted || wanted.has(s.service))
    .map((s) => serviceStatus(s, now));
  const daemon = await readiness;
  const problems = ref.franchise.support.enabled ? problemsOf(states, wanted, daemon) : [];
  const supportModule = await moduleState;
  const result = {
    franchise: ref.id,
    layout: ref.franchise.layout,
    support_enabled: ref.franchise.support.enabled,
    support_healthy: ref.franchise.support.enabled && problems.length === 0,
    daemon_ready: daemon ? daemon.ready : null,
    problems,
    support_module: supportModule,
    services,
  };
  return result;
}

export async function status(io: CliIO, g: GlobalOptions, o: StackFlags): Promise<void> {
  const out = outputFor(io, g);
  const ref = franchiseOf(io, g, o);
  const result = await statusReport(io, o, ref);
  const now = Date.now();
  const { services, support_module: supportModule, problems } = result;
  // Non-zero when something of the Support module does not serve: scripts and cron can tell.
  if (problems.length > 0) io.exitCode = 1;
  out.result(result, () =>
    [
      `${out.style.bold(`franchise ${ref.id}`)} (${ref.franchise.layout}; Support ${ref.franchise.support.enabled ? 'enabled' : 'disabled'} in franchise.yaml)`,
      moduleLine(supportModule, out.style, now),
      table(
        ['SERVICE', 'ROLE', 'STATE', 'HEALTH', 'UPTIME', 'CONTAINER'],
        services.map((s) => [
          s.service,
          s.role,
          stateCell(s, out.style),
          healthCell(s, out.style),
          s.uptime_seconds === null ? '-' : formatUptime(s.uptime_seconds),
          s.container ?? '-',
        ]),
        out.style,
      ),
      ...(!ref.franchise.support.enabled
        ? []
        : problems.length === 0
          ? [`${out.style.green('✔')} every support service runs, the daemon is ready`]
          : [
              `${out.style.red('✖')} not healthy:`,
              ...problems.map((p) => `  - ${p}`),
              out.style.dim(
                `  more: kgc-support logs --franchise ${ref.id} --service <name>; kgc-support doctor --franchise ${ref.id}`,
              ),
            ]),
    ].join('\n'),
  );
}

export async function logs(io: CliIO, g: GlobalOptions, o: LogsFlags): Promise<void> {
  const ref = franchiseOf(io, g, o);
  const services = chosenServices(o.service);
  const tail = /^\d+$/.test(o.tail) ? o.tail : 'all';
  if (g.json) {
    // For scripts: the last lines of each service's container, from the engine.
    if (o.follow)
      throw new KgcError('usage', '--follow streams text; it cannot be combined with --json');
    const docker = connectDocker(io.env);
    await engineVersion(docker);
    const containers = await projectContainers(docker, supportProject(ref).project);
    const result = await Promise.all(
      services.map(async (service) => {
        const c = containers.find((x) => x.service === service);
        const text = c
          ? await lastLogLines(docker, c.id, tail === 'all' ? 10_000 : Number(tail))
          : '';
        return {
          service,
          container: c?.name ?? null,
          lines: text === '' ? [] : text.replace(/\n$/, '').split('\n'),
        };
      }),
    );
    outputFor(io, g).result({ franchise: ref.id, services: result }, () => '');
    return;
  }
  const exec = execaExec(io.env);
  const tool = await requireCompose(exec, installerConfig(io, g).composeCommand);
  const args = [
    'logs',
    '--no-color',
    '--tail',
    tail,
    ...(o.follow ? ['--follow'] : []),
    ...services,
  ];
  await mustCompose(tool, exec, supportProject(ref), args, {
    onStdout: (t) => io.writeOut(t),
    onStderr: (t) => io.writeErr(t),
  });
}
