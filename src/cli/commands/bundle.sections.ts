/**
 * The parts of a support bundle, each collected by the function its own command uses
 * (doctor, health --json, status --json, logs, config), never by running the CLI again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { basename } from 'node:path';
import { execa } from 'execa';
import { adminInfo } from '../../admin/client.js';
import type { Part } from '../../bundle/bundle.js';
import { franchiseConfig } from '../../bundle/franchise-files.js';
import { secretValuesOf } from '../../bundle/redact.js';
import { describeConfig } from '../../config/config.js';
import type { Config } from '../../config/settings.js';
import { detectCompose, execaExec } from '../../docker/compose.js';
import {
  connectDocker,
  engineVersion,
  lastLogLines,
  projectContainers,
} from '../../docker/engine.js';
import { supportProject } from '../../docker/stack.js';
import { parseEnv } from '../../render/env-format.js';
import { SUPPORT_SERVICES } from '../../render/services.js';
import type { GlobalOptions } from '../globals.js';
import { franchiseOf } from '../installer-context.js';
import type { CliIO } from '../io.js';
import { VERSION } from '../../version.js';
import type { FranchiseTarget, LocalTarget } from '../target.js';
import { doctorReport } from './doctor.handler.js';
import { healthReport } from './health.handler.js';
import { statusReport } from './status.handler.js';

/** One piece of work: a title for the progress, and the parts it yields. */
export interface Section {
  readonly title: string;
  /** Where its error goes when it fails. */
  readonly path: string;
  readonly collect: () => Promise<Part[]>;
}

const json = (path: string, collect: () => Promise<unknown>) => async (): Promise<Part[]> => [
  { path, json: await collect() },
];

async function versions(io: CliIO, config: Config): Promise<unknown> {
  const docker = connectDocker(io.env, { timeoutMs: 10_000 });
  const [engine, compose] = await Promise.allSettled([
    engineVersion(docker),
    detectCompose(execaExec(io.env), config.composeCommand),
  ]);
  return {
    kgc_support: VERSION,
    node: process.version,
    os: `${process.platform} ${release()} ${process.arch}`,
    engine: engine.status === 'fulfilled' ? engine.value : { error: String(engine.reason) },
    compose:
      compose.status === 'rejected'
        ? { error: String(compose.reason) }
        : compose.value
          ? { version: compose.value.version, command: compose.value.display }
          : { error: 'neither docker compose nor docker-compose answered `version`' },
  };
}

const settings = (config: Config) =>
  Object.fromEntries(describeConfig(config).map((r) => [r.env, r.value]));

/** A franchise's secret values, for the redactor (read without validating franchise.yaml). */
export function franchiseSecrets(t: FranchiseTarget): readonly string[] {
  return franchiseConfig(t.dir).secrets;
}

export function franchiseSections(
  io: CliIO,
  g: GlobalOptions,
  t: FranchiseTarget,
  config: Config,
  logLines: number,
): Section[] {
  const flags = { franchise: t.id, ...(g.dir !== undefined ? { dir: g.dir } : {}) };
  return [
    {
      title: 'configuration',
      path: 'config/',
      collect: () => {
        const c = franchiseConfig(t.dir);
        return Promise.resolve([
          ...c.files.map((f) => ({ path: `config/${f.path}`, text: f.text })),
          { path: 'config/missing.json', json: c.missing },
          { path: 'config/cli-settings.json', json: settings(config) },
        ]);
      },
    },
    {
      title: 'doctor',
      path: 'doctor.json',
      collect: json('doctor.json', () => doctorReport(io, g, flags)),
    },
    {
      title: 'health',
      path: 'health.json',
      collect: json('health.json', () => healthReport(io, g, flags)),
    },
    {
      title: 'status',
      path: 'status.json',
      collect: json('status.json', () => statusReport(io, {}, franchiseOf(io, g, flags))),
    },
    {
      title: 'versions',
      path: 'versions.json',
      collect: json('versions.json', () => versions(io, config)),
    },
    {
      title: `the last ${logLines} log lines of each support service`,
      path: 'logs/',
      collect: async () => {
        const ref = franchiseOf(io, g, flags);
        const docker = connectDocker(io.env, { timeoutMs: 30_000 });
        const project = supportProject(ref).project;
        const containers = await projectContainers(docker, project);
        return Promise.all(
          SUPPORT_SERVICES.map(async (service) => {
            const c = containers.find((x) => x.service === service);
            return {
              path: `logs/${service}.log`,
              text: c
                ? await lastLogLines(docker, c.id, logLines)
                : `(no container of ${service} in the compose project ${project})\n`,
            };
          }),
        );
      },
    },
  ];
}

/** What the daemon of this data directory says about itself on its admin socket, if it runs. */
async function localDaemon(config: Config): Promise<unknown> {
  const base = { data_dir: config.dataDir, admin_socket: config.adminSocket };
  if (!existsSync(config.adminSocket)) return { ...base, daemon: 'not running (no admin socket)' };
  try {
    return { ...base, daemon: await adminInfo(config.adminSocket, 5_000) };
  } catch (err) {
    return { ...base, daemon: `not answering: ${(err as Error).message}` };
  }
}

/** The host daemon's journal, when it runs under systemd (kgc-support.service). */
async function journal(lines: number): Promise<string> {
  const r = await execa(
    'journalctl',
    ['--unit', 'kgc-support', '--lines', String(lines), '--no-pager', '--output', 'short-iso'],
    { reject: false, timeout: 20_000 },
  );
  if (r.exitCode === 0)
    return r.stdout === '' ? '(the journal has no lines of kgc-support)\n' : `${r.stdout}\n`;
  return `(no journal: journalctl ${r.failed && r.exitCode === undefined ? 'is not available' : `said: ${r.stderr.trim() || `exit ${r.exitCode}`}`}; a daemon not run by systemd logs to its own stdout)\n`;
}

/** Where the unit file (systemd/kgc-support.service) reads the host daemon's settings from. */
export const UNIT_ENV_FILE = '/etc/kgc-support/kgc-support.env';

/** The host daemon's environment file: --env-file, else the unit's when it exists. */
export function envFileOf(flag: string | undefined): string | undefined {
  return flag ?? (existsSync(UNIT_ENV_FILE) ? UNIT_ENV_FILE : undefined);
}

/** The secret values of the environment file, for the redactor. */
export function envFileSecrets(file: string | undefined): readonly string[] {
  if (file === undefined || !existsSync(file)) return [];
  return secretValuesOf(Object.fromEntries(parseEnv(readFileSync(file, 'utf8'))));
}

export function localSections(
  io: CliIO,
  g: GlobalOptions,
  t: LocalTarget,
  logLines: number,
  envFile: string | undefined,
): Section[] {
  return [
    {
      title: 'settings',
      path: 'config/',
      collect: () =>
        Promise.resolve([
          { path: 'config/settings.json', json: settings(t.config) },
          ...(envFile === undefined
            ? []
            : [{ path: `config/${basename(envFile)}`, text: readFileSync(envFile, 'utf8') }]),
        ]),
    },
    {
      title: 'doctor',
      path: 'doctor.json',
      collect: json('doctor.json', () => doctorReport(io, g, {})),
    },
    {
      title: 'health',
      path: 'health.json',
      collect: json('health.json', () => healthReport(io, g, {})),
    },
    {
      title: 'daemon',
      path: 'status.json',
      collect: json('status.json', () => localDaemon(t.config)),
    },
    {
      title: 'versions',
      path: 'versions.json',
      collect: json('versions.json', () => versions(io, t.config)),
    },
    {
      title: `the last ${logLines} lines of the daemon's journal`,
      path: 'logs/',
      collect: async () => [
        { path: 'logs/kgc-support.journal.log', text: await journal(logLines) },
      ],
    },
  ];
}
