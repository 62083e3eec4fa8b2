/**
 * A franchise's configuration as it is on disk, for a support bundle: franchise.yaml,
 * the names (never the values) of secrets.env, and the compose and .env files render
 * wrote for its layout; and every secret value those files hold, for the redactor.
 * Read as text, without validating: a bundle is most wanted when the config is broken.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FRANCHISE_FILE } from '../franchise/franchise.store.js';
import { parseEnv } from '../render/env-format.js';
import { SECRETS_FILE } from '../render/secrets.js';
import { isSecretName, REDACTED } from './redact.js';

/** The files render writes, per layout (render/model.ts projectFilesOf; a test holds them equal). */
export const RENDERED_FILES: Readonly<Record<string, readonly string[]>> = {
  profiles: ['docker-compose.yml', '.env'],
  separate: ['docker-compose.yml', '.env', 'support/docker-compose.support.yml', 'support/.env'],
};

export interface ConfigFile {
  /** Relative to the franchise directory. */
  readonly path: string;
  readonly text: string;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

function layoutOf(yamlText: string | undefined): string | undefined {
  try {
    const doc = parse(yamlText ?? '') as { layout?: unknown } | null;
    return typeof doc?.layout === 'string' ? doc.layout : undefined;
  } catch {
    return undefined;
  }
}

/** secrets.env with each value replaced: which secrets are set and which are empty, nothing more. */
export function secretNamesOnly(text: string): string {
  return `${[...parseEnv(text)]
    .map(([name, value]) => `${name}=${value === '' ? '' : REDACTED}`)
    .join('\n')}\n`;
}

export interface FranchiseConfig {
  /** The files, secrets.env reduced to its names. */
  readonly files: readonly ConfigFile[];
  /** Files render writes for this layout that are not there. */
  readonly missing: readonly string[];
  /** Every secret value found: all of secrets.env, secret-named variables of the .env files. */
  readonly secrets: readonly string[];
}

export function franchiseConfig(dir: string): FranchiseConfig {
  const yamlText = readText(join(dir, FRANCHISE_FILE));
  const secretsText = readText(join(dir, SECRETS_FILE));
  const layout = layoutOf(yamlText);
  const rendered = (layout !== undefined ? RENDERED_FILES[layout] : undefined) ?? [
    ...new Set(Object.values(RENDERED_FILES).flat()),
  ];
  const files: ConfigFile[] = [];
  const missing: string[] = [];
  const secrets: string[] = [];
  if (yamlText !== undefined) files.push({ path: FRANCHISE_FILE, text: yamlText });
  else missing.push(FRANCHISE_FILE);
  if (secretsText !== undefined) {
    files.push({ path: SECRETS_FILE, text: secretNamesOnly(secretsText) });
    secrets.push(...[...parseEnv(secretsText).values()].filter((v) => v !== ''));
  } else missing.push(SECRETS_FILE);
  for (const path of rendered) {
    const text = readText(join(dir, path));
    if (text === undefined) {
      missing.push(path);
      continue;
    }
    files.push({ path, text });
    if (path.endsWith('.env'))
      for (const [name, value] of parseEnv(text))
        if (value !== '' && isSecretName(name)) secrets.push(value);
  }
  return { files, missing, secrets };
}
