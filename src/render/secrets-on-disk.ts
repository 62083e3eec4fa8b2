/**
 * The secrets a franchise already has on disk: secrets.env first, then the rendered
 * .env files (if secrets.env was lost). Light on purpose: `health --franchise` reads
 * the franchise's API key through it without loading the renderer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { projectFilesOf } from './model.js';
import { knownSecrets, SECRETS_FILE } from './secrets.js';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function secretsOnDisk(ref: FranchiseRef): Map<string, string> {
  const texts = [SECRETS_FILE, ...projectFilesOf(ref.franchise).map((p) => p.envFile)]
    .map((p) => readText(join(ref.dir, p)))
    .filter((t): t is string => t !== undefined);
  return knownSecrets(texts);
}
