/**
 * Which daemon a state command acts on. `--franchise <id>` (env KGC_SUPPORT_FRANCHISE)
 * names an installed franchise: its daemon answers on <franchise dir>/run/admin.sock
 * and nothing else is ever tried. Without it, the local store of --data-dir /
 * KGC_SUPPORT_DATA_DIR / DATABASE_URL; when none of those is given and franchises are
 * installed on this host, the target is ambiguous and the command refuses, so that it
 * never changes an unrelated local store and reports success.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import type { Config } from '../config/settings.js';
import { KgcError } from '../errors/kgc-error.js';
import {
  FRANCHISE_FILE,
  franchiseAdminSocket,
  franchiseDir,
  franchisesRoot,
  listFranchiseIds,
} from '../franchise/franchise.store.js';
import { FRANCHISE_ID_PATTERN } from '../franchise/franchise.schema.js';
import { franchiseIdFrom, namesLocalStore, refuseUnnamedTarget } from './franchise-id.js';
import type { GlobalOptions } from './globals.js';
import type { CliIO } from './io.js';

export interface FranchiseTarget {
  readonly kind: 'franchise';
  readonly id: string;
  /** The franchise directory, absolute. */
  readonly dir: string;
  /** Its daemon's admin socket. */
  readonly socket: string;
}

export interface LocalTarget {
  readonly kind: 'local';
  readonly config: Config;
}

export type Target = FranchiseTarget | LocalTarget;

/** Where an answer came from, as --json outputs carry it (`daemon`). */
export type DaemonRef =
  | { franchise: string; socket: string; pid: number | null; store: string | null }
  | { local: string; socket?: string; pid?: number | null; store?: string | null };

/** The franchise named by --franchise or KGC_SUPPORT_FRANCHISE, if any. */
export function franchiseIdOf(io: CliIO, g: GlobalOptions): string | undefined {
  return franchiseIdFrom(g.franchise, io.env);
}

/** The franchises directory (--dir, KGC_SUPPORT_FRANCHISES_DIR, or the default for this user). */
export function franchisesRootOf(
  io: CliIO,
  g: GlobalOptions,
  config: Config = loadConfig(io.env, { dataDir: g.dataDir }),
): string {
  return franchisesRoot(config.franchisesDir, g.dir);
}

export function franchiseTarget(root: string, id: string): FranchiseTarget {
  if (!new RegExp(FRANCHISE_ID_PATTERN).test(id)) {
    throw new KgcError(
      'usage',
      `--franchise ${JSON.stringify(id)}: a franchise id is lowercase letters, digits and dashes`,
    );
  }
  const dir = franchiseDir(root, id);
  if (!existsSync(join(dir, FRANCHISE_FILE))) {
    const known = listFranchiseIds(root);
    throw new KgcError(
      'franchise_not_found',
      `no franchise "${id}" in ${root}${known.length ? ` (there: ${known.join(', ')})` : ''}`,
    );
  }
  return { kind: 'franchise', id, dir, socket: franchiseAdminSocket(dir) };
}

/** Whether the command line or the environment names a local store. */
export function hasLocalTarget(io: CliIO, g: GlobalOptions): boolean {
  return namesLocalStore(g.dataDir, io.env);
}

/** The one answer to "which daemon?" for every state command. */
export function resolveTarget(io: CliIO, g: GlobalOptions): Target {
  const config = loadConfig(io.env, { dataDir: g.dataDir });
  const root = franchisesRootOf(io, g, config);
  const id = franchiseIdOf(io, g);
  if (id !== undefined) return franchiseTarget(root, id);
  if (!hasLocalTarget(io, g)) refuseUnnamedTarget(root);
  return { kind: 'local', config };
}

/** "franchise budapest-1's daemon (pid 42, store PostgreSQL …)", for success messages. */
export function describeDaemon(d: DaemonRef): string {
  const facts = [
    d.pid != null ? `pid ${d.pid}` : undefined,
    d.store ? `store ${d.store}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const tail = facts === '' ? '' : ` (${facts})`;
  if ('franchise' in d) return `franchise ${d.franchise}'s daemon${tail}`;
  if (d.socket !== undefined) return `the daemon of ${d.local}${tail}`;
  return `the local store${d.store ? ` ${d.store}` : ` in ${d.local}`}`;
}

/** A result with `daemon` beside its fields (objects only: lists stay plain JSON arrays for scripts). */
export function withDaemon<T>(result: T, daemon: DaemonRef): T | (T & { daemon: DaemonRef }) {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return result;
  return { ...result, daemon };
}
