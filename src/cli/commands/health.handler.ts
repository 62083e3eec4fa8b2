/**
 * `kgc-support health`: one round of checks (or one per interval with --watch), shown as
 * a table, as application/health+json or in the Nagios plugin format. Cheap by design:
 * no database engine, no HTTP server, no client library on the default path.
 */
import { loadConfig } from '../../config/config.js';
import { parseDuration } from '../../config/duration.js';
import type { Config } from '../../config/settings.js';
import { parseThreshold } from '../../config/threshold.js';
import { systemClock } from '../../context/clock.js';
import { KgcError } from '../../errors/kgc-error.js';
import type { Thresholds } from '../../health/checks/facts.js';
import {
  NAGIOS_WORD,
  renderLine,
  renderNagios,
  renderTable,
  toHealthJson,
} from '../../health/render.js';
import { exitCodeOf, type HealthReport } from '../../health/report.js';
import { runRound } from '../../health/run.js';
import { targetsFromConfig, type HealthTargets } from '../../health/targets.js';
import { lockHolder, type LockInfo } from '../../store/lock.js';
import { EXIT } from '../exit-codes.js';
import { franchiseIdFrom, namesLocalStore, refuseUnnamedTarget } from '../franchise-id.js';
import { franchisesRoot } from '../../franchise/franchise-dirs.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { VERSION } from '../../version.js';
import { healthJobs, type SourceOptions } from './health.sources.js';

export interface HealthFlags {
  franchise?: string;
  dir?: string;
  format?: string;
  timeout?: string;
  dlq?: string;
  pendingAge?: string;
  keyExpiry?: string;
  secretAge?: string;
  watch?: string;
}

type Format = 'table' | 'json' | 'nagios';

function formatOf(o: HealthFlags, g: GlobalOptions): Format {
  const f = o.format ?? (g.json ? 'json' : 'table');
  if (f !== 'table' && f !== 'json' && f !== 'nagios')
    throw new KgcError('usage', `--format ${f}: use table, json or nagios`);
  return f;
}

export function thresholdsOf(config: Config, o: HealthFlags): Thresholds {
  return {
    dlq: o.dlq !== undefined ? parseThreshold(o.dlq, 'count', 'above', '--dlq') : config.healthDlq,
    pendingAge:
      o.pendingAge !== undefined
        ? parseThreshold(o.pendingAge, 'duration', 'above', '--pending-age')
        : config.healthPendingAge,
    keyExpiry:
      o.keyExpiry !== undefined
        ? parseThreshold(o.keyExpiry, 'duration', 'below', '--key-expiry')
        : config.healthKeyExpiry,
    secretAge:
      o.secretAge !== undefined
        ? parseThreshold(o.secretAge, 'duration', 'above', '--secret-age')
        : config.healthSecretAge,
  };
}

/** The daemon that holds the data directory here, if one runs (never waits for one). */
async function localDaemon(config: Config): Promise<LockInfo | undefined> {
  const holder = await lockHolder(config.dataDir);
  return holder?.command === 'serve' ? holder : undefined;
}

interface Plan {
  targets: HealthTargets;
  sources: SourceOptions;
  thresholds: Thresholds;
  timeoutMs: number;
}

async function planOf(io: CliIO, g: GlobalOptions, o: HealthFlags): Promise<Plan> {
  const config = loadConfig(io.env, { dataDir: g.dataDir });
  const timeoutMs =
    o.timeout !== undefined ? parseDuration(o.timeout, '--timeout') : config.healthTimeoutMs;
  if (timeoutMs < 10 || timeoutMs > 120_000)
    throw new KgcError('usage', '--timeout: between 10ms and 2m');
  const thresholds = thresholdsOf(config, o);
  const within = `${Math.round((thresholds.keyExpiry.warn ?? thresholds.keyExpiry.crit ?? 14 * 86_400_000) / 1000)}s`;
  const base = { config, env: io.env, timeoutMs, keyExpiryWithin: within };
  const franchise = franchiseIdFrom(o.franchise, io.env);
  if (franchise === undefined) {
    // The one targeting rule of every daemon-state command (target.ts): with franchises
    // installed and no local store named, which daemon is meant is not known: refused.
    if (!namesLocalStore(g.dataDir, io.env))
      refuseUnnamedTarget(franchisesRoot(config.franchisesDir, o.dir ?? g.dir));
    const daemon = await localDaemon(config);
    return {
      targets: targetsFromConfig(config, daemon),
      thresholds,
      timeoutMs,
      sources: { ...base, localDaemon: daemon, apiKey: undefined, franchise: undefined },
    };
  }
  // Only with --franchise: yaml, the franchise schema and its secrets file (not the renderer, compose or execa).
  const [
    { franchiseAdminSocket, resolveFranchise },
    { targetsFromFranchise },
    { supportProjectOf },
  ] = await Promise.all([
    import('../../franchise/franchise.store.js'),
    import('../../health/franchise-targets.js'),
    import('../../render/model.js'),
  ]);
  const ref = resolveFranchise(franchisesRoot(config.franchisesDir, o.dir), franchise);
  const t = targetsFromFranchise(ref, config.redisUrl);
  return {
    targets: t,
    thresholds,
    timeoutMs,
    sources: {
      ...base,
      localDaemon: undefined,
      apiKey: t.apiKey,
      franchise: {
        id: ref.id,
        project: supportProjectOf(ref.franchise).project,
        socket: franchiseAdminSocket(ref.dir),
      },
    },
  };
}

/** Cursor home, then erase the screen: --watch redraws the table in place on a terminal. */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

async function round(plan: Plan, signal?: AbortSignal): Promise<HealthReport> {
  const { jobs, close } = healthJobs(plan.targets, plan.sources);
  try {
    return await runRound(jobs, {
      targets: plan.targets,
      thresholds: plan.thresholds,
      timeoutMs: plan.timeoutMs,
      clock: systemClock,
      ...(signal ? { signal } : {}),
    });
  } finally {
    close();
  }
}

function render(r: HealthReport, format: Format, io: CliIO, g: GlobalOptions): string {
  if (format === 'json') return JSON.stringify(toHealthJson(r, VERSION), null, 2);
  if (format === 'nagios') return renderNagios(r);
  return renderTable(r, outputFor(io, { ...g, json: false }).style);
}

/** One round of checks as `health --json` prints it (application/health+json), for support-bundle. */
export async function healthReport(
  io: CliIO,
  g: GlobalOptions,
  o: HealthFlags,
): Promise<ReturnType<typeof toHealthJson>> {
  return toHealthJson(await round(await planOf(io, g, o)), VERSION);
}

export async function health(io: CliIO, g: GlobalOptions, o: HealthFlags): Promise<void> {
  const format = formatOf(o, g);
  let plan: Plan;
  try {
    plan = await planOf(io, g, o);
  } catch (err) {
    // A monitoring system reads a plugin that cannot run as UNKNOWN (3), never as CRITICAL.
    if (format !== 'nagios') throw err;
    io.writeOut(
      `KGC-SUPPORT ${NAGIOS_WORD.unknown} - ${(err as Error).message.replace(/\|/g, '/').split('\n')[0]}\n`,
    );
    io.exitCode = EXIT.UNKNOWN;
    return;
  }
  if (o.watch !== undefined) {
    await watch(io, g, plan, format, parseDuration(o.watch, '--watch'));
    return;
  }
  const r = await round(plan);
  if (!(g.quiet && format === 'table' && r.status === 'pass'))
    io.writeOut(`${render(r, format, io, g)}\n`);
  const code = exitCodeOf(r.status, format === 'nagios' ? 'nagios' : 'cli');
  if (code !== 0) io.exitCode = code;
}

/** Again and again until Ctrl-C (exit 130): redrawn on a terminal, else a line (or a JSON document) per round. */
async function watch(
  io: CliIO,
  g: GlobalOptions,
  plan: Plan,
  format: Format,
  everyMs: number,
): Promise<void> {
  if (everyMs < 1_000) throw new KgcError('usage', '--watch: at least 1s');
  const stop = new AbortController();
  const undo = io.onInterrupt?.(() => stop.abort());
  const redraw = format === 'table' && io.stdoutIsTTY;
  const dim = outputFor(io, { ...g, json: false }).style.dim;
  try {
    while (!stop.signal.aborted) {
      const r = await round(plan, stop.signal);
      if (stop.signal.aborted) break;
      if (redraw)
        io.writeOut(
          `${CLEAR_SCREEN}${render(r, format, io, g)}\n\n${dim(`every ${intervalText(everyMs)}, Ctrl-C to stop`)}\n`,
        );
      else if (format === 'json') io.writeOut(`${JSON.stringify(toHealthJson(r, VERSION))}\n`);
      else if (format === 'nagios') io.writeOut(`${renderNagios(r).split('\n')[0]}\n`);
      else io.writeOut(`${renderLine(r)}\n`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, everyMs);
        stop.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
    }
  } finally {
    undo?.();
  }
  io.exitCode = EXIT.INTERRUPTED;
}

const intervalText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
