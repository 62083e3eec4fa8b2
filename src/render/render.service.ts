/**
 * `render` for one franchise: read what is on disk (secrets, rendered files), work out
 * the files, and say how they differ; writing is a separate step so that `--check` and
 * `--diff` never write. Validation by the compose tool is the caller's (docker/).
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Random } from '../context/clock.js';
import { KgcError } from '../errors/kgc-error.js';
import type { Franchise } from '../franchise/franchise.schema.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { describeClash, portClashes } from '../franchise/ports.js';
import { daemonEnvFindings, daemonFilesOf, describeFinding } from './daemon-env.js';
import { redactedDiff } from './diff.js';
import {
  compareFiles,
  writeFileDurably,
  writeFiles,
  type FileStatus,
  type WriteAction,
} from './files.js';
import { writeStarterFiles, type StarterAction } from './knowledge-base.js';
import { DAEMON_UID, RUN_DIR } from './model.js';
import { secretsOnDisk } from './secrets-on-disk.js';
import { renderFranchise, type RenderedFile } from './render.js';
import { parseEnv } from './env-format.js';
import {
  completeSecrets,
  isSecretName,
  knownSecrets,
  SECRET_NAMES,
  SECRETS_FILE,
  secretsFileText,
  type SecretName,
  type Secrets,
} from './secrets.js';
import type { TemplateSet } from './template.js';

export interface RenderPlan {
  readonly ref: FranchiseRef;
  readonly files: readonly RenderedFile[];
  readonly status: readonly FileStatus[];
  readonly secrets: Secrets;
  /** Secrets this render creates (none on a re-render). */
  readonly generated: readonly SecretName[];
  /** Secret values the files on disk hold now. */
  readonly previous: ReadonlyMap<string, string>;
}

/** Refuses a franchise whose ports clash with its own or with another franchise's under the same root. */
export function assertNoPortClash(f: Franchise, others: readonly Franchise[]): void {
  const clashes = portClashes([f, ...others.filter((o) => o.id !== f.id)]).filter((c) =>
    c.uses.some((u) => u.franchise === f.id),
  );
  if (clashes.length > 0) throw new KgcError('port_clash', clashes.map(describeClash).join('; '));
}

/**
 * Refuses rendered files whose daemon would refuse to start: its environment, as the
 * container sees it, checked by the daemon's own start-time check. Each problem names
 * the variable, the franchise.yaml field or secrets.env line it comes from, and the fix.
 */
export function assertDaemonAccepts(f: Franchise, files: readonly RenderedFile[]): void {
  const d = daemonFilesOf(f, files);
  if (d === undefined) throw new Error('render made no daemon compose and .env file');
  const found = daemonEnvFindings(f, d);
  if (found.length > 0)
    throw new KgcError(
      'invalid_config',
      `the daemon would refuse to start with this configuration: ${found.map(describeFinding).join('; ')}`,
    );
}

export function planRender(
  ref: FranchiseRef,
  templates: TemplateSet,
  random: Random,
  given: Partial<Record<SecretName, string>> = {},
): RenderPlan {
  const previous = secretsOnDisk(ref);
  const { secrets, generated } = completeSecrets(previous, random, given);
  const files = renderFranchise(ref.franchise, secrets, templates);
  assertDaemonAccepts(ref.franchise, files);
  assertOptionalFiles(ref);
  return { ref, files, status: compareFiles(ref.dir, files), secrets, generated, previous };
}

export function driftOf(plan: RenderPlan): FileStatus[] {
  return plan.status.filter((s) => s.drift !== undefined);
}

export function diffOf(plan: RenderPlan): string {
  // Every secret value in any file on disk, not only the ones render keeps.
  const onDisk = plan.status
    .filter((s) => s.current !== undefined && /(^|\/)(\.env|secrets\.env)$/.test(s.path))
    .flatMap((s) =>
      [...parseEnv(s.current as string)].filter(([k, v]) => isSecretName(k) && v !== ''),
    );
  return driftOf(plan)
    .map((s) => {
      const file = plan.files.find((f) => f.path === s.path) as RenderedFile;
      if (s.drift === 'mode')
        return `--- ${s.path}: mode ${(s.mode ?? 0).toString(8)}, render writes ${file.mode.toString(8)}\n`;
      return redactedDiff(s.path, s.current, file.content, plan.previous, plan.secrets, onDisk);
    })
    .join('');
}

/**
 * The daemon's run/ (its admin socket): owner only, and owned by the image's user when
 * render runs as root, so that the daemon can create its socket there and nobody else
 * on the host can reach it.
 */
export function prepareRunDir(dir: string): string {
  const run = join(dir, RUN_DIR);
  mkdirSync(run, { recursive: true, mode: 0o700 });
  chmodSync(run, 0o700);
  if (process.getuid?.() === 0) chownSync(run, DAEMON_UID, DAEMON_UID);
  return run;
}

/**
 * Refuses a Google credentials file that is not there: `up` would fail on its mount, later
 * and less clearly. Without Google Calendar there is nothing to check.
 */
export function assertOptionalFiles(ref: FranchiseRef): void {
  const file = ref.franchise.support.google_calendar?.credentials_file;
  if (file === undefined) return;
  const path = isAbsolute(file) ? file : join(ref.dir, file);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    /* missing */
  }
  if (!isFile)
    throw new KgcError(
      'invalid_config',
      `franchise.yaml support.google_calendar.credentials_file: ${path} is not a file; put the Google service account's JSON key there, or remove support.google_calendar`,
    );
}

/**
 * Puts `value` into secrets.env as `name`, durably (fsync, rename), every other secret
 * kept: the one step of a rotation on disk; a render afterwards carries it into the
 * .env files. Refuses a franchise whose secrets.env is missing (nothing to keep).
 */
export function replaceSecret(ref: FranchiseRef, name: SecretName, value: string): void {
  const file = join(ref.dir, SECRETS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KgcError(
      'render_stale',
      `franchise ${ref.id}: cannot read ${file} (${(err as Error).message}): run kgc-support render --franchise ${ref.id}`,
    );
  }
  const known = knownSecrets([text]);
  known.set(name, value);
  const secrets = Object.fromEntries(SECRET_NAMES.map((n) => [n, known.get(n) ?? ''])) as Record<
    SecretName,
    string
  >;
  writeFileDurably(file, secretsFileText(secrets), 0o600);
}

/**
 * Writes the plan (only what differs), creates run/ and the knowledge base directory with
 * its starter files (only those missing: an edited FAQ is the franchise's).
 */
export function applyRender(
  plan: RenderPlan,
  templates: TemplateSet,
): {
  files: { path: string; action: WriteAction }[];
  knowledgeBase: { path: string; action: StarterAction }[];
} {
  const knowledgeBase = writeStarterFiles(plan.ref, templates);
  prepareRunDir(plan.ref.dir);
  return { files: writeFiles(plan.ref.dir, plan.files), knowledgeBase };
}
