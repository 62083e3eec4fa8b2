/**
 * The secrets a franchise already has on disk: secrets.env first, then the rendered
 * .env files (if secrets.env was lost). Light on purpose: `health --franchise` reads
 * the franchise's API key through it without loading the renderer.
 */
import { join } from 'node:path';
import { readIfExists } from '../config/file-access.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { projectFilesOf } from './model.js';
import { knownSecrets, SECRETS_FILE } from './secrets.js';

export function secretsOnDisk(ref: FranchiseRef): Map<string, string> {
  const texts = [SECRETS_FILE, ...projectFilesOf(ref.franchise).map((p) => p.envFile)]
    // One that exists but cannot be read is permission_denied: its secrets are not "missing".
    .map((p) =>
      readIfExists(join(ref.dir, p), p === SECRETS_FILE ? 'the secrets file' : 'the rendered file'),
    )
    .filter((t): t is string => t !== undefined);
  return knownSecrets(texts);
}
