/**
 * `kgc-support upgrade`: one franchise (or each in turn) to the daemon image its
 * franchise.yaml names with this kgc-support (by default kgc-support:<this version>):
 * load the release's image archive, refuse to go backwards, back up the daemon's state
 * (kept, named for the versions), re-render, bring the support services up and wait until
 * the daemon is ready as `up` does. When anything after the backup fails: the new daemon
 * is stopped, the previous rendered files (and so the previous images) are put back, the
 * backup is restored and the previous version brought up again; the error says what
 * failed and what the rollback did. Older pre-upgrade backups go by the keep rule.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { backupFranchise, DAEMON_SERVICE, restoreFranchise } from '../../backup/container.js';
import { utcStamp, type BackupFacts } from '../../backup/durable.js';
import { parseDuration } from '../../config/duration.js';
import { cryptoRandom } from '../../context/clock.js';
import { stopSupport, type StackDeps } from '../../docker/stack.js';
import { KgcError } from '../../errors/kgc-error.js';
import { imageOf } from '../../franchise/franchise.schema.js';
import { loadAllFranchises, type FranchiseRef } from '../../franchise/franchise.store.js';
import { writeFiles } from '../../render/files.js';
import type { RenderedFile } from '../../render/render.js';
import { applyRender, planRender } from '../../render/render.service.js';
import { archiveImages, currentDaemon, inspectImage, loadArchive } from '../../upgrade/images.js';
import {
  decide,
  prunable,
  upgradeBackupName,
  upgradeBackups,
  type ImageVersion,
} from '../../upgrade/plan.js';
import { withTag } from '../../docker/images.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import { franchiseOf, rootOf, shippedTemplates, stackDeps } from '../installer-context.js';
import type { CliIO } from '../io.js';
import type { Output } from '../output.js';
import { progress } from '../progress.js';
import { bringUp } from './stack.handler.js';

export interface UpgradeFlags {
  franchise?: string;
  dir?: string;
  all?: boolean;
  dryRun?: boolean;
  imageArchive?: string;
  keep: string;
  timeout: string;
}

interface FranchiseUpgrade {
  franchise: string;
  action: 'upgraded' | 'up_to_date' | 'planned';
  why: string;
  from: ImageVersion | null;
  to: ImageVersion;
  steps: string[];
  backup: BackupFacts | null;
  backups_pruned: string[];
  backups_kept: string[];
  elapsed_ms: number;
}

function backupsDir(ref: FranchiseRef): string {
  return join(ref.dir, 'backups');
}

function backupNames(ref: FranchiseRef): string[] {
  return existsSync(backupsDir(ref)) ? readdirSync(backupsDir(ref)) : [];
}

function keepOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new KgcError('usage', `--keep ${text}: a whole number of backups, at least 1`);
  return n;
}

/** The rendered files as they are now, to put back on rollback (undefined: the file was not there). */
function snapshot(ref: FranchiseRef, files: readonly RenderedFile[]) {
  return files.map((f) => {
    const path = join(ref.dir, f.path);
    return existsSync(path)
      ? {
          ...f,
          content: readFileSync(path, 'utf8'),
          mode: statSync(path).mode & 0o777,
          existed: true,
        }
      : { ...f, existed: false };
  });
}

function putBack(ref: FranchiseRef, saved: ReturnType<typeof snapshot>): void {
  writeFiles(
    ref.dir,
    saved.filter((f) => f.existed),
  );
  for (const f of saved.filter((x) => !x.existed)) rmSync(join(ref.dir, f.path), { force: true });
}

/** The previous image's name on its previous content again, when a loaded archive moved the tag. */
async function retag(deps: StackDeps, from: ImageVersion): Promise<void> {
  const now = await inspectImage(deps.docker, from.image);
  if (now?.id === from.id || from.id === undefined) return;
  const at = from.image.lastIndexOf(':');
  await deps.docker
    .getImage(from.id)
    .tag({ repo: from.image.slice(0, at), tag: from.image.slice(at + 1) });
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] as string;
}

async function upgradeOne(
  io: CliIO,
  g: GlobalOptions,
  o: UpgradeFlags,
  out: Output,
  deps: StackDeps,
  ref: FranchiseRef,
  archive: readonly ImageVersion[],
): Promise<FranchiseUpgrade> {
  const started = Date.now();
  const keep = keepOf(o.keep);
  const timeoutMs = parseDuration(o.timeout, '--timeout');
  if (!ref.franchise.support.enabled)
    throw new KgcError('support_disabled', `franchise ${ref.id} has support.enabled: false`);
  const wanted = imageOf(ref.franchise, 'kgc-support');
  const targetRef = withTag(`${wanted.image}:${wanted.tag}`);
  const to =
    (await inspectImage(deps.docker, targetRef)) ?? archive.find((a) => a.image === targetRef);
  if (!to) {
    throw new KgcError(
      'image_missing',
      `franchise ${ref.id}: the daemon image ${targetRef} is not on this engine${o.imageArchive ? ` nor in ${o.imageArchive}` : ''}: pass the release's image archive with --image-archive <file>, or build it with scripts/build-image.sh`,
      { extras: { missing_images: [targetRef] } },
    );
  }
  const from = await currentDaemon(deps.docker, ref);
  const decision = decide(from, to);
  if (decision.action === 'refuse')
    throw new KgcError('upgrade_backwards', `franchise ${ref.id}: ${decision.why}`, {
      extras: { from: from?.version ?? null, to: to.version ?? null },
    });
  const stamp = utcStamp(new Date());
  const backupFile = join(
    backupsDir(ref),
    upgradeBackupName(from?.version, to.version ?? 'unknown', stamp),
  );
  const steps = [
    `back up the daemon's state to ${backupFile}`,
    `render the franchise's files for ${to.image}`,
    `bring the support services up and wait until the daemon is ready (at most ${o.timeout})`,
    `keep the newest ${keep} pre-upgrade backup(s), delete older ones`,
  ];
  const base = {
    franchise: ref.id,
    why: decision.why,
    from: from ?? null,
    to,
    backups_pruned: [] as string[],
    backups_kept: upgradeBackups(backupNames(ref)).map((b) => b.name),
  };
  if (decision.action === 'up_to_date')
    return {
      ...base,
      action: 'up_to_date',
      steps: [],
      backup: null,
      elapsed_ms: Date.now() - started,
    };
  if (o.dryRun) {
    const would = prunable(
      [...backupNames(ref), backupFile.slice(backupFile.lastIndexOf('/') + 1)],
      keep,
    );
    return {
      ...base,
      action: 'planned',
      steps,
      backup: null,
      backups_pruned: would.map((b) => b.name),
      elapsed_ms: Date.now() - started,
    };
  }

  // 1. The backup, before anything changes; a failure here changes nothing.
  let backup: BackupFacts | undefined;
  const plan = planRender(ref, shippedTemplates(), cryptoRandom);
  const saved = snapshot(ref, plan.files);
  await progress(
    io,
    out,
    g.quiet === true,
    [
      {
        title: `franchise ${ref.id}: back up the daemon's state (${from?.version ?? 'unknown version'})`,
        task: async (_c, t) => {
          backup = await backupFranchise(ref, deps, backupFile, io.env);
          t.title = `franchise ${ref.id}: backed up to ${backupFile}`;
        },
      },
      {
        title: `franchise ${ref.id}: render its files for ${to.image}`,
        task: async () => {
          applyRender(plan, shippedTemplates());
        },
      },
    ],
    {},
  )
    .run()
    .catch((err: unknown) => {
      if (backup === undefined) throw err; // nothing changed
      putBack(ref, saved);
      throw new KgcError(
        'upgrade_rolled_back',
        `franchise ${ref.id}: rendering for ${to.image} failed (${firstLine(err)}); the previous files are back, nothing was restarted`,
      );
    });
  const taken = backup as BackupFacts;

  // 2. The new version up and ready, else the rollback.
  try {
    await bringUp(io, g, { franchise: ref.id, dir: o.dir, timeout: o.timeout }, out);
  } catch (err) {
    const what = firstLine(err);
    out.warn(`franchise ${ref.id}: the upgrade to ${to.image} failed: ${what}; rolling back`);
    const undone: string[] = [];
    try {
      await progress(
        io,
        out,
        g.quiet === true,
        [
          {
            title: `franchise ${ref.id}: stop the new daemon`,
            task: async () => {
              await stopSupport(ref, deps, [DAEMON_SERVICE]);
              undone.push('stopped the new daemon');
            },
          },
          {
            title: `franchise ${ref.id}: put the previous rendered files and image back (${from?.image ?? 'none'})`,
            task: async () => {
              putBack(ref, saved);
              if (from?.id !== undefined) await retag(deps, from);
              undone.push(
                `put the previous rendered files and image (${from?.image ?? 'none'}) back`,
              );
            },
          },
          {
            title: `franchise ${ref.id}: restore the backup ${taken.file}`,
            task: async () => {
              await restoreFranchise(ref, deps, taken.file, io.env, timeoutMs);
              undone.push(`restored ${taken.file}`);
            },
          },
        ],
        {},
      ).run();
      await bringUp(io, g, { franchise: ref.id, dir: o.dir, timeout: o.timeout }, out, false);
      undone.push(`brought ${from?.version ?? from?.image ?? 'the previous version'} up again`);
    } catch (rollbackErr) {
      throw new KgcError(
        'upgrade_failed',
        `franchise ${ref.id}: the upgrade to ${to.image} failed (${what}), and so did its rollback (${firstLine(rollbackErr)}) after: ${undone.join(', ') || 'nothing'}. The backup is ${taken.file}: restore it by hand (docs/installation.md, "Rollback")`,
        { extras: { backup: taken.file, rolled_back: undone } },
      );
    }
    throw new KgcError(
      'upgrade_rolled_back',
      `franchise ${ref.id}: the upgrade to ${to.image} failed: ${what}. Rolled back: ${undone.join(', ')}; the daemon runs ${from?.image ?? 'as before'} and is ready. The backup stays: ${taken.file}. franchise.yaml still names ${to.image}: fix that image (or name the previous one again) before the next render`,
      { extras: { backup: taken.file, failed: what, rolled_back: undone } },
    );
  }

  // 3. The keep rule, only once the new version is ready: the new backup always stays.
  const pruned = prunable(backupNames(ref), keep);
  for (const b of pruned) rmSync(join(backupsDir(ref), b.name), { force: true });
  return {
    ...base,
    action: 'upgraded',
    steps,
    backup: taken,
    backups_pruned: pruned.map((b) => b.name),
    backups_kept: upgradeBackups(backupNames(ref)).map((b) => b.name),
    elapsed_ms: Date.now() - started,
  };
}

export async function upgrade(io: CliIO, g: GlobalOptions, o: UpgradeFlags): Promise<void> {
  const out = outputFor(io, g);
  if (o.all && o.franchise)
    throw new KgcError('usage', 'pass either --franchise <id> or --all, not both');
  keepOf(o.keep);
  parseDuration(o.timeout, '--timeout');
  const refs = o.all ? loadAllFranchises(rootOf(io, g, o)) : [franchiseOf(io, g, o)];
  if (refs.length === 0)
    throw new KgcError('franchise_not_found', `no franchise in ${rootOf(io, g, o)}`);
  const archive = o.imageArchive === undefined ? undefined : resolve(o.imageArchive);
  if (archive !== undefined && !existsSync(archive))
    throw new KgcError('not_found', `${archive} does not exist`);
  const deps = await stackDeps(io, g);
  const inArchive = archive === undefined ? [] : await archiveImages(archive, io.env);
  if (archive !== undefined && !o.dryRun) {
    const loaded = await loadArchive(archive, io.env);
    out.info(`loaded ${loaded.join(', ') || 'no image'} from ${archive}`);
  }
  const results: FranchiseUpgrade[] = [];
  for (const ref of refs) {
    try {
      results.push(await upgradeOne(io, g, o, out, deps, ref, inArchive));
    } catch (err) {
      if (err instanceof KgcError && results.length > 0) {
        // --all stops at the first failure: the next franchises are left as they are.
        const done = results.map((r) => `${r.franchise} (${r.action})`).join(', ');
        throw new KgcError(
          err.code,
          `${err.message}\n  Before it: ${done}. Not tried: ${
            refs
              .slice(results.length + 1)
              .map((r) => r.id)
              .join(', ') || 'none'
          }`,
          {
            extras: { ...err.extras, done: results.map((r) => r.franchise) },
          },
        );
      }
      throw err;
    }
  }
  out.result(o.all ? results : results[0], () =>
    results
      .map((r) => {
        const head =
          r.action === 'upgraded'
            ? `${out.style.green('✔')} franchise ${r.franchise}: upgraded, ${r.why}, ready in ${(r.elapsed_ms / 1000).toFixed(1)}s`
            : r.action === 'up_to_date'
              ? `${out.style.green('✔')} franchise ${r.franchise}: nothing to do: ${r.why}`
              : `franchise ${r.franchise}: would upgrade: ${r.why}\n${r.steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}`;
        const lines = [head];
        if (r.backup) lines.push(`  backup kept: ${r.backup.file} (${r.backup.bytes} bytes)`);
        if (r.backups_pruned.length > 0)
          lines.push(
            `  ${r.action === 'planned' ? 'would delete' : 'deleted'} older pre-upgrade backups: ${r.backups_pruned.join(', ')}`,
          );
        return lines.join('\n');
      })
      .join('\n'),
  );
}
