/**
 * Where franchises live on this host, with node's own modules only: `health`, which must
 * stay cheap to start, lists them without loading the franchise store (yaml, schemas).
 */
import { join, resolve } from 'node:path';
import { existsVisibly, listIfExists } from '../config/file-access.js';

export const FRANCHISE_FILE = 'franchise.yaml';

export function franchisesRoot(
  configured: string,
  flag?: string,
  cwd: string = process.cwd(),
): string {
  return resolve(cwd, flag ?? configured);
}

/**
 * Ids of the franchises under root (directories holding a franchise.yaml), sorted. A root
 * or a franchise directory this user may not look into is permission_denied, not "none".
 */
export function listFranchiseIds(root: string): string[] {
  return listIfExists(root, 'the franchises directory')
    .filter((e) => existsVisibly(join(root, e, FRANCHISE_FILE), 'the franchise file'))
    .sort();
}
