/**
 * `doctor`: what stands between this host and a healthy support profile, each finding
 * with what to do about it. The checks are plain functions over probes (engine,
 * compose, disk, ports, files, HTTP), so that tests can give them any world.
 */
import type { ComposeTool } from '../docker/compose.js';
import type { PortFinding } from '../docker/host-ports.js';
import { describePort } from '../docker/host-ports.js';
import { DEFAULT_BIND_ADDRESS, type Franchise } from '../franchise/franchise.schema.js';
import { worstOf } from '../health/report.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { describeClash, portClashes } from '../franchise/ports.js';
import { projectFilesOf } from '../render/model.js';
import { ADMIN_SECRETS, GENERATED_SECRETS, SECRETS_FILE } from '../render/secrets.js';
import { renderedConfigChecks } from './rendered-config.js';
import type { CheckStatus, Finding } from './finding.js';
import { imageCheck, type ImageProbe } from './images.js';

export interface DoctorProbes extends Partial<ImageProbe> {
  engine(): Promise<{ version: string; apiVersion: string; rootDir?: string }>;
  compose(): Promise<ComposeTool | undefined>;
  /** Free bytes for unprivileged users on the file system holding path, when it can be read. */
  freeBytes(path: string): Promise<number | undefined>;
  hostPorts(f: Franchise): Promise<PortFinding[]>;
  /** Permission bits of a file, undefined when it does not exist. */
  fileMode(path: string): number | undefined;
  readText(path: string): string | undefined;
  /** Drift of the rendered files: undefined when up to date, 'missing' when never rendered. */
  renderDrift(ref: FranchiseRef): string | undefined;
  /** GET url; ok when it answered 2xx within the time. */
  httpOk(url: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }>;
  /** Whether the franchise's kgc-support container is running. */
  daemonContainerRunning(ref: FranchiseRef): Promise<boolean>;
  /** A daemon on this host that holds the CLI's data directory: its pid and port. */
  localDaemon(): Promise<{ pid: number; port: number } | undefined>;
  /** The franchise's support containers that crash-loop or are restarting, with why and their last log lines. */
  crashLoops(ref: FranchiseRef): Promise<CrashLoop[]>;
}

export interface CrashLoop {
  readonly service: string;
  readonly container: string;
  /** "crash loop: restarted 5 time(s), last exit code 1" */
  readonly detail: string;
  readonly lastLines: string;
}

/** A container that keeps restarting fails doctor, named, with its cause and its last log lines. */
function crashLoopFindings(ref: FranchiseRef, loops: readonly CrashLoop[]): Finding[] {
  if (loops.length === 0)
    return [f(`containers ${ref.id}`, 'pass', 'no support container is restarting')];
  return loops.map((l) =>
    f(
      `container ${ref.id} ${l.service}`,
      'fail',
      `${l.container}: ${l.detail}${
        l.lastLines.trim() === ''
          ? ''
          : `\n  last log lines:\n${l.lastLines
              .trimEnd()
              .split('\n')
              .map((x) => `  │ ${x}`)
              .join('\n')}`
      }`,
      `Its log lines say why; the whole log: kgc-support logs --franchise ${ref.id} --service ${l.service}. Fix the cause (then kgc-support render --franchise ${ref.id} if franchise.yaml or secrets.env changed), and kgc-support up --franchise ${ref.id}.`,
    ),
  );
}

const GiB = 1024 ** 3;
export const DISK_FAIL_BYTES = 2 * GiB;
export const DISK_WARN_BYTES = 5 * GiB;

const f = (check: string, status: CheckStatus, detail: string, hint?: string): Finding =>
  hint === undefined ? { check, status, detail } : { check, status, detail, hint };

async function engineAndCompose(
  p: DoctorProbes,
): Promise<{ findings: Finding[]; rootDir: string | undefined; engineUp: boolean }> {
  const out: Finding[] = [];
  let rootDir: string | undefined;
  let engineUp = false;
  try {
    const v = await p.engine();
    rootDir = v.rootDir;
    engineUp = true;
    out.push(f('engine', 'pass', `Docker ${v.version} (API ${v.apiVersion})`));
  } catch (err) {
    out.push(
      f(
        'engine',
        'fail',
        (err as Error).message,
        'Start Docker (systemctl start docker) and check that this user may use it (group docker, or DOCKER_HOST).',
      ),
    );
  }
  const tool = await p.compose();
  if (!tool)
    out.push(
      f(
        'compose',
        'fail',
        'neither `docker compose` nor `docker-compose` answers',
        'Install the compose plugin (apt install docker-compose-plugin) or docker-compose, or set KGC_SUPPORT_COMPOSE.',
      ),
    );
  else if (tool.kind === 'v1' && compareVersions(tool.version, '1.28.0') < 0)
    out.push(
      f(
        'compose',
        'fail',
        `${tool.display} ${tool.version}: profiles need 1.28 or later`,
        'Install the compose plugin (docker compose) or docker-compose 1.28+.',
      ),
    );
  else if (tool.kind === 'v1')
    out.push(
      f(
        'compose',
        'warn',
        `${tool.display} ${tool.version} (v1: works, but is no longer maintained)`,
        'Install the compose plugin (docker compose, v2) when you can; kgc-support uses it first.',
      ),
    );
  else out.push(f('compose', 'pass', `${tool.display} ${tool.version}`));
  return { findings: out, rootDir, engineUp };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

async function disk(
  p: DoctorProbes,
  paths: readonly { label: string; path: string }[],
): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const { label, path } of paths) {
    const free = await p.freeBytes(path);
    if (free === undefined) continue;
    const gib = `${(free / GiB).toFixed(1)} GiB free`;
    if (free < DISK_FAIL_BYTES)
      out.push(
        f(
          `disk ${label}`,
          'fail',
          `${gib} on ${path}`,
          "Free space: Chatwoot's images and database need a few GiB (docker system prune removes unused images).",
        ),
      );
    else if (free < DISK_WARN_BYTES)
      out.push(
        f(
          `disk ${label}`,
          'warn',
          `${gib} on ${path}`,
          "Keep at least 5 GiB free for images, logs and Chatwoot's database.",
        ),
      );
    else out.push(f(`disk ${label}`, 'pass', `${gib} on ${path}`));
  }
  return out;
}

function files(p: DoctorProbes, ref: FranchiseRef): Finding[] {
  const id = ref.id;
  const out: Finding[] = [];
  const drift = p.renderDrift(ref);
  if (drift === 'missing')
    out.push(
      f(`rendered ${id}`, 'warn', 'not rendered yet', `Run: kgc-support render --franchise ${id}`),
    );
  else if (drift)
    out.push(
      f(
        `rendered ${id}`,
        'fail',
        `differs from franchise.yaml: ${drift}`,
        `See it with kgc-support render --franchise ${id} --diff; write it with kgc-support render --franchise ${id}.`,
      ),
    );
  else out.push(f(`rendered ${id}`, 'pass', 'compose and .env files up to date'));

  const secretFiles = [SECRETS_FILE, ...projectFilesOf(ref.franchise).map((x) => x.envFile)];
  const open = secretFiles
    .map((rel) => ({ rel, mode: p.fileMode(`${ref.dir}/${rel}`) }))
    .filter((x) => x.mode !== undefined && (x.mode & 0o077) !== 0);
  if (open.length > 0)
    out.push(
      f(
        `permissions ${id}`,
        'fail',
        open.map((x) => `${x.rel} is ${(x.mode ?? 0).toString(8)}`).join(', '),
        `Run: chmod 600 ${open.map((x) => `${ref.dir}/${x.rel}`).join(' ')}`,
      ),
    );
  else
    out.push(
      f(`permissions ${id}`, 'pass', 'secrets.env and .env files are readable by their owner only'),
    );

  const text = p.readText(`${ref.dir}/${SECRETS_FILE}`) ?? '';
  const has = (name: string) => new RegExp(`^${name}=(?!\\s*$).+`, 'm').test(text);
  const missing = GENERATED_SECRETS.filter((n) => !has(n));
  const empty = ADMIN_SECRETS.filter((n) => n !== 'ERP_DATABASE_URL' && !has(n));
  if (missing.length > 0)
    out.push(
      f(
        `secrets ${id}`,
        'fail',
        `missing: ${missing.join(', ')}`,
        `Run kgc-support render --franchise ${id}: it generates missing secrets (and never replaces existing ones).`,
      ),
    );
  else if (empty.length > 0)
    out.push(
      f(
        `secrets ${id}`,
        'warn',
        `generated secrets present; not yet given: ${empty.join(', ')}`,
        `Fill them in ${ref.dir}/${SECRETS_FILE}, then kgc-support render --franchise ${id}.`,
      ),
    );
  else out.push(f(`secrets ${id}`, 'pass', 'every secret is present'));
  return out;
}

async function ports(
  p: DoctorProbes,
  ref: FranchiseRef,
  all: readonly Franchise[],
  engineUp: boolean,
): Promise<Finding> {
  const id = ref.id;
  const clashes = portClashes([ref.franchise, ...all.filter((o) => o.id !== id)]).filter((c) =>
    c.uses.some((u) => u.franchise === id),
  );
  if (clashes.length > 0)
    return f(
      `ports ${id}`,
      'fail',
      clashes.map(describeClash).join('; '),
      'Give each franchise its own ports in franchise.yaml, then render.',
    );
  if (!engineUp)
    return f(`ports ${id}`, 'warn', 'not checked on the host: the engine is not reachable');
  const found = await p.hostPorts(ref.franchise);
  const taken = found.filter((x) => x.state === 'taken');
  if (taken.length > 0)
    return f(
      `ports ${id}`,
      'fail',
      taken.map(describePort).join('; '),
      'Stop what holds them, or choose other ports in franchise.yaml and render.',
    );
  return f(
    `ports ${id}`,
    'pass',
    found
      .map((x) => `${x.port} ${x.state === 'ours' ? 'in use by this franchise' : 'free'}`)
      .join(', '),
  );
}

async function daemon(p: DoctorProbes, ref: FranchiseRef): Promise<Finding> {
  const id = ref.id;
  const host =
    (ref.franchise.bind_address ?? DEFAULT_BIND_ADDRESS) === '0.0.0.0'
      ? '127.0.0.1'
      : (ref.franchise.bind_address ?? DEFAULT_BIND_ADDRESS);
  const url = `http://${host}:${ref.franchise.ports.daemon}/health`;
  const r = await p.httpOk(url, 2000);
  if (r.ok) {
    // Alive is not enough: /ready says whether it can serve (its store, the ERP's database, a non-empty contract).
    const readyUrl = url.replace(/\/health$/, '/ready');
    const ready = await p.httpOk(readyUrl, 5000);
    if (ready.ok)
      return f(
        `daemon ${id}`,
        'pass',
        `${readyUrl} answers ready (the franchise's daemon on port ${ref.franchise.ports.daemon})`,
      );
    return f(
      `daemon ${id}`,
      'fail',
      `the franchise's daemon answers but is not ready: ${ready.detail}`,
      `An unreachable or empty ERP contract means ERP_DATABASE_URL in ${ref.dir}/secrets.env is not the ERP's database as the container reaches it, or the ERP's DBA has not applied erp/kgc-support-erp.sql; see: kgc-support logs --franchise ${id} --service kgc-support`,
    );
  }
  const local = await p.localDaemon();
  if (local) {
    const lr = await p.httpOk(`http://127.0.0.1:${local.port}/health`, 2000);
    if (lr.ok)
      return f(
        `daemon ${id}`,
        'pass',
        `a local daemon (pid ${local.pid}) answers on port ${local.port}`,
      );
  }
  if (await p.daemonContainerRunning(ref))
    return f(
      `daemon ${id}`,
      'fail',
      `its container runs but ${url} does not answer: ${r.detail}`,
      `See its log: kgc-support logs --franchise ${id} --service kgc-support`,
    );
  return f(
    `daemon ${id}`,
    'warn',
    `not running (${url}: ${r.detail})`,
    `Start it: kgc-support up --franchise ${id}`,
  );
}

export async function runDoctor(
  p: DoctorProbes,
  refs: readonly FranchiseRef[],
  problems: readonly { id: string; message: string }[],
  root: string,
): Promise<Finding[]> {
  const base = await engineAndCompose(p);
  const out = [...base.findings];
  out.push(
    ...(await disk(p, [
      ...(base.rootDir ? [{ label: 'docker', path: base.rootDir }] : []),
      { label: 'franchises', path: root },
    ])),
  );
  if (refs.length === 0 && problems.length === 0)
    out.push(f('franchises', 'warn', `no franchise in ${root}`, 'Create one: kgc-support init'));
  for (const bad of problems)
    out.push(
      f(
        `config ${bad.id}`,
        'fail',
        bad.message,
        'Fix franchise.yaml (your editor checks it against schemas/franchise.schema.json).',
      ),
    );
  const all = refs.map((r) => r.franchise);
  for (const ref of refs) {
    out.push(
      f(
        `config ${ref.id}`,
        'pass',
        `franchise.yaml valid (layout ${ref.franchise.layout}, Support ${ref.franchise.support.enabled ? 'enabled' : 'disabled'})`,
      ),
    );
    out.push(await ports(p, ref, all, base.engineUp));
    out.push(...files(p, ref));
    out.push(...renderedConfigChecks(p, ref));
    if (base.engineUp) {
      const loops = await p.crashLoops(ref);
      out.push(...crashLoopFindings(ref, loops));
      const daemonLoop = loops.find((l) => l.service === 'kgc-support');
      out.push(
        daemonLoop
          ? f(
              `daemon ${ref.id}`,
              'fail',
              `its container keeps restarting (${daemonLoop.detail})`,
              'See the container finding above for its log lines.',
            )
          : await daemon(p, ref),
      );
    }
    if (base.engineUp && p.images) out.push(await imageCheck({ images: p.images }, ref));
  }
  return out;
}

export function overall(findings: readonly Finding[]): CheckStatus {
  return worstOf(findings.map((x) => x.status)) as CheckStatus;
}
