/**
 * The franchise a command names: `--franchise <id>`, else KGC_SUPPORT_FRANCHISE; blank
 * counts as unset. Its own module, free of the franchise store and its yaml and schema
 * imports, so that `health` (which must stay cheap to start) shares it with target.ts,
 * and with it the one rule for a command that names no target.
 */
import { KgcError } from '../errors/kgc-error.js';
import { listFranchiseIds } from '../franchise/franchise-dirs.js';

const set = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v.trim();

export function franchiseIdFrom(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return set(flag) ?? set(env.KGC_SUPPORT_FRANCHISE);
}

/** Whether the command line or the environment names a local store. */
export function namesLocalStore(
  dataDirFlag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return (
    set(dataDirFlag) !== undefined ||
    set(env.KGC_SUPPORT_DATA_DIR) !== undefined ||
    set(env.DATABASE_URL) !== undefined
  );
}

/** With franchises installed under root and no target named, which daemon is meant is unknown: refused. */
export function refuseUnnamedTarget(root: string): void {
  const ids = listFranchiseIds(root);
  if (ids.length === 0) return;
  throw new KgcError(
    'franchise_ambiguous',
    `${ids.length === 1 ? 'a franchise is' : `${ids.length} franchises are`} installed in ${root} (${ids.join(', ')}) and no target was named: ` +
      'pass --franchise <id> (or --data-dir for a local store)',
    { extras: { franchises: ids } },
  );
}
