/**
 * Where franchises live on this host, with node's own modules only: `health`, which must
 * stay cheap to start, lists them without loading the franchise store (yaml, schemas).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FRANCHISE_FILE = 'franchise.yaml';

export function franchisesRoot(
  configured: string,
  flag?: string,
  cwd: string = process.cwd(),
): string {
  return resolve(cwd, flag ?? configured);
}

/** Ids of the franchises under root (directories holding a franchise.yaml), sorted. */
export function listFranchiseIds(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.filter((e) => existsSync(join(root, e, FRANCHISE_FILE))).sort();
}
