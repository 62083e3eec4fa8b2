/**
 * What the installer commands (init, render, up, down, status, logs, doctor) share:
 * where the franchises live, the shipped templates, the Docker engine and compose.
 * Imported by handlers only (it loads yaml, dockerode and execa).
 */
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { packageRoot } from '../config/paths.js';
import type { Config } from '../config/settings.js';
import { execaExec, requireCompose } from '../docker/compose.js';
import { connectDocker, engineVersion } from '../docker/engine.js';
import type { StackDeps } from '../docker/stack.js';
import { JSON_SCHEMA_FILE } from '../franchise/json-schema.js';
import {
  franchisesRoot,
  resolveFranchise,
  type FranchiseRef,
} from '../franchise/franchise.store.js';
import { loadTemplateSet, type TemplateSet } from '../render/template.js';
import type { GlobalOptions } from './globals.js';
import type { CliIO } from './io.js';

export interface FranchiseFlags {
  franchise?: string;
  dir?: string;
}

export function installerConfig(io: CliIO, g: GlobalOptions): Config {
  return loadConfig(io.env, { dataDir: g.dataDir });
}

export function rootOf(io: CliIO, g: GlobalOptions, flags: FranchiseFlags): string {
  return franchisesRoot(installerConfig(io, g).franchisesDir, flags.dir);
}

export function franchiseOf(io: CliIO, g: GlobalOptions, flags: FranchiseFlags): FranchiseRef {
  return resolveFranchise(
    rootOf(io, g, flags),
    flags.franchise ?? (io.env.KGC_SUPPORT_FRANCHISE?.trim() || undefined),
  );
}

export function shippedTemplates(): TemplateSet {
  return loadTemplateSet(packageRoot());
}

export function schemaFile(): string {
  return join(packageRoot(), JSON_SCHEMA_FILE);
}

/** The engine (reachable, or docker_unreachable) and the compose tool (present, or compose_missing). */
export async function stackDeps(io: CliIO, g: GlobalOptions): Promise<StackDeps> {
  const docker = connectDocker(io.env);
  await engineVersion(docker);
  const exec = execaExec(io.env);
  const compose = await requireCompose(exec, installerConfig(io, g).composeCommand);
  return { docker, compose, exec };
}
