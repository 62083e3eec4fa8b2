/**
 * `keys rotate chatbot|context|erp|gdpr --franchise <id>` (none named: all four): the
 * installer's keys rotated end to end on an installed franchise, each through the
 * rotation chain (src/rotation/chain.ts) with listr2 progress; `--dry-run` says what
 * would happen, `--expiring-within` keeps only the keys that are due (cron).
 */
import type { ListrTask } from 'listr2';
import { parseDuration } from '../../config/duration.js';
import { cryptoRandom, systemClock } from '../../context/clock.js';
import { auditQuery } from '../../audit/audit.ops.js';
import { KgcError } from '../../errors/kgc-error.js';
import { INSTALLER_KEY_NAMES, type InstallerKeyName } from '../../keys/installer-keys.js';
import {
  keysCreate,
  keysIdentify,
  keysRevoke,
  keysRotate,
  keysShow,
  keysWithdrawRotation,
} from '../../keys/keys.ops.js';
import { secretsOnDisk } from '../../render/secrets-on-disk.js';
import { prepareChain, runChain, type ChainReport, type StepRunner } from '../../rotation/chain.js';
import { installerKeyPlan, keyChainOf, type KeyDoor } from '../../rotation/installer-key.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import { franchiseOf, shippedTemplates, stackDeps } from '../installer-context.js';
import type { CliIO } from '../io.js';
import { progress } from '../progress.js';
import { runTargetedOp } from '../run-op.js';

export interface InstallerRotateFlags {
  grace: string;
  timeout: string;
  expiringWithin?: string;
  dryRun?: boolean;
}

/** The franchise daemon's key operations, through its admin socket. */
function keyDoor(io: CliIO, g: GlobalOptions): KeyDoor {
  const call = async <T>(op: Parameters<typeof runTargetedOp>[0], input: unknown) =>
    (await runTargetedOp(op, input as never, io, g)).result as T;
  return {
    identify: (sha256) =>
      call<Awaited<ReturnType<KeyDoor['show']>>>(keysIdentify, { sha256 }).catch((err: unknown) => {
        if (err instanceof KgcError && err.code === 'key_not_found') return undefined;
        throw err;
      }),
    show: (id) => call(keysShow, { id }),
    rotate: (id, grace, expiresIn) => call(keysRotate, { id, grace, expires_in: expiresIn }),
    create: (name, scopes, expiresIn) => call(keysCreate, { name, scopes, expires_in: expiresIn }),
    revoke: (id) => call(keysRevoke, { id }),
    withdraw: (id) => call(keysWithdrawRotation, { id }),
    audit: (key, since) => call(auditQuery, { key, since, limit: 1000 }),
  };
}

function chosenKeys(key: string | undefined): InstallerKeyName[] {
  if (key === undefined) return [...INSTALLER_KEY_NAMES];
  if ((INSTALLER_KEY_NAMES as readonly string[]).includes(key)) return [key as InstallerKeyName];
  throw new KgcError(
    'usage',
    `unknown installer key "${key}": the installer's keys are ${INSTALLER_KEY_NAMES.join(', ')} (a key id starts with key_)`,
  );
}

export async function rotateInstalled(
  io: CliIO,
  g: GlobalOptions,
  key: string | undefined,
  o: InstallerRotateFlags,
): Promise<void> {
  const out = outputFor(io, g);
  const which = chosenKeys(key);
  if (!g.franchise && !io.env.KGC_SUPPORT_FRANCHISE?.trim())
    throw new KgcError(
      'usage',
      "the installer's keys live in an installed franchise: pass --franchise <id> (or a key id to rotate any key)",
    );
  const ref = franchiseOf(io, g, {
    ...(g.franchise ? { franchise: g.franchise } : {}),
    ...(g.dir ? { dir: g.dir } : {}),
  });
  const timeoutMs = parseDuration(o.timeout, '--timeout');
  const windowMs = o.expiringWithin
    ? parseDuration(o.expiringWithin, '--expiring-within')
    : undefined;
  parseDuration(o.grace, '--grace');
  const door = keyDoor(io, g);
  const deps = {
    ref,
    templates: shippedTemplates(),
    random: cryptoRandom,
    stack: await stackDeps(io, g),
    timeoutMs,
  };
  const now = () => systemClock.now();

  // Due: expires within the window, or no longer active (expired, revoked, unknown): cron rotates those.
  const due = async (name: InstallerKeyName): Promise<string | undefined> => {
    if (windowMs === undefined) return 'asked for';
    const value = secretsOnDisk(ref).get(
      installerKeyPlan(name, door, { grace: o.grace, random: cryptoRandom, now }).variable,
    );
    const tip = value ? (await keyChainOf(door, value)).at(-1) : undefined;
    if (!tip || tip.status !== 'active') return `it is ${tip?.status ?? 'unknown to the daemon'}`;
    const left = Date.parse(tip.expires_at) - now();
    return left <= windowMs ? `it expires on ${tip.expires_at}` : undefined;
  };

  const results: (
    | ChainReport
    | { variable: string; label: string; outcome: 'skipped' | 'planned'; detail: string }
  )[] = [];
  for (const name of which) {
    const plan = installerKeyPlan(name, door, { grace: o.grace, random: cryptoRandom, now });
    const why = await due(name);
    if (why === undefined) {
      results.push({
        variable: plan.variable,
        label: plan.label,
        outcome: 'skipped',
        detail: `not due: expires after ${o.expiringWithin}`,
      });
      continue;
    }
    if (o.dryRun) {
      const current = await prepareChain(plan, deps);
      results.push({
        variable: plan.variable,
        label: plan.label,
        outcome: 'planned',
        detail: await plan.describe(current),
      });
      continue;
    }
    const runSteps: StepRunner = async (phase, steps) => {
      const tasks: ListrTask<object>[] = steps.map((s) => ({
        title: s.title,
        task: async (_ctx, t) => {
          const detail = await s.run();
          t.title = `${s.title}: ${detail}`;
        },
      }));
      const head =
        phase === 'rotate' ? `${plan.label} of franchise ${ref.id}` : `Rolling back ${plan.label}`;
      await progress(
        io,
        out,
        g.quiet === true,
        [{ title: head, task: (_c, t) => t.newListr(tasks, { exitOnError: true }) }],
        {},
      ).run();
    };
    const report = await runChain(plan, deps, runSteps);
    results.push(report);
    if (report.outcome === 'rolled_back')
      throw new KgcError(
        'rotation_rolled_back',
        `franchise ${ref.id}: ${plan.label} was not rotated: ${report.reason ?? '?'}; ${report.recreated.join(', ')} runs with the old key again, which stays valid as before`,
        {
          extras: {
            franchise: ref.id,
            variable: plan.variable,
            done: results.filter((r) => r.outcome === 'rotated').map((r) => r.variable),
          },
        },
      );
  }
  // --quiet (cron): a key not due is not news, so a week with nothing to rotate prints nothing.
  const shown = g.quiet ? results.filter((r) => r.outcome !== 'skipped') : results;
  out.result({ franchise: ref.id, keys: results }, () =>
    shown
      .map((r) =>
        'steps' in r
          ? `${out.style.green('✔')} ${r.label} rotated on franchise ${ref.id}: ${r.steps.map((s) => s.detail).join('; ')}`
          : r.outcome === 'planned'
            ? `${r.label}: ${r.detail}`
            : out.style.dim(`${r.label}: ${r.detail}`),
      )
      .join('\n'),
  );
}
