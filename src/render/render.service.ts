/**
 * `render` for one franchise: read what is on disk (secrets, rendered files), work out
 * the files, and say how they differ; writing is a separate step so that `--check` and
 * `--diff` never write. Validation by the compose tool is the caller's (docker/).
 */
import { mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Random } from '../context/clock.js';
import { KgcError } from '../errors/kgc-error.js';
import { DEFAULT_KNOWLEDGE_BASE_DIR, type Franchise } from '../franchise/franchise.schema.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { describeClash, portClashes } from '../franchise/ports.js';
import { redactedDiff } from './diff.js';
import { compareFiles, writeFiles, type FileStatus, type WriteAction } from './files.js';
import { secretsOnDisk } from './secrets-on-disk.js';
import { renderFranchise, type RenderedFile } from './render.js';
import { completeSecrets, type SecretName, type Secrets } from './secrets.js';
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
  const clashes = portClashes([f, ...others.filter((o) => o.id !== f.id)]).filter((c) => c.uses.some((u) => u.franchise === f.id));
  if (clashes.length > 0) throw new KgcError('port_clash', clashes.map(describeClash).join('; '));
}

export function planRender(ref: FranchiseRef, templates: TemplateSet, random: Random, given: Partial<Record<SecretName, string>> = {}): RenderPlan {
  const previous = secretsOnDisk(ref);
  const { secrets, generated } = completeSecrets(previous, random, given);
  const files = renderFranchise(ref.franchise, secrets, templates);
  return { ref, files, status: compareFiles(ref.dir, files), secrets, generated, previous };
}

export function driftOf(plan: RenderPlan): FileStatus[] {
  return plan.status.filter((s) => s.drift !== undefined);
}

export function diffOf(plan: RenderPlan): string {
  return driftOf(plan).map((s) => {
    const file = plan.files.find((f) => f.path === s.path) as RenderedFile;
    if (s.drift === 'mode') return `--- ${s.path}: mode ${(s.mode ?? 0).toString(8)}, render writes ${file.mode.toString(8)}\n`;
    return redactedDiff(s.path, s.current, file.content, plan.previous, plan.secrets);
  }).join('');
}

/** Writes the plan (only what differs) and creates the knowledge base directory. */
export function applyRender(plan: RenderPlan): { path: string; action: WriteAction }[] {
  const kb = plan.ref.franchise.support.knowledge_base_dir ?? DEFAULT_KNOWLEDGE_BASE_DIR;
  mkdirSync(isAbsolute(kb) ? kb : join(plan.ref.dir, kb), { recursive: true, mode: 0o755 });
  return writeFiles(plan.ref.dir, plan.files);
}
