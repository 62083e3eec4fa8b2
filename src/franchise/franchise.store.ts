/**
 * Where franchises live and how franchise.yaml is read and written.
 *
 *   <root>/<id>/franchise.yaml   the configuration (yours to edit)
 *   <root>/<id>/secrets.env      generated secrets, 0600 (see secrets.ts)
 *   <root>/<id>/…                what `render` writes (see render/)
 *
 *   <root>/<id>/run/admin.sock   the franchise daemon's admin socket (the rendered stack
 *                                bind-mounts <root>/<id>/run into the daemon container)
 *
 * <root> is --dir, else KGC_SUPPORT_FRANCHISES_DIR, else /var/lib/kgc-support/franchises
 * for root and $XDG_DATA_HOME/kgc-support/franchises for other users (the setting's
 * default in config/settings.ts), so cron, Nagios and systemd find them from any directory.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parseDocument, stringify } from 'yaml';
import { readIfExists } from '../config/file-access.js';
import { FRANCHISE_FILE, listFranchiseIds } from './franchise-dirs.js';

// The light part, for the many callers that also need the store.
export { FRANCHISE_FILE, franchisesRoot, listFranchiseIds } from './franchise-dirs.js';
import { KgcError } from '../errors/kgc-error.js';
import { daemonSectionProblems, type DaemonSection } from './daemon-settings.js';
import { FranchiseSchema, type Franchise } from './franchise.schema.js';

export interface FranchiseRef {
  readonly id: string;
  /** The franchise directory, absolute. */
  readonly dir: string;
  readonly franchise: Franchise;
}

export function franchiseDir(root: string, id: string): string {
  return join(root, id);
}

/** Where the host CLI reaches a franchise's daemon: its admin socket in <franchise dir>/run. */
export function franchiseAdminSocket(dir: string): string {
  return join(dir, 'run', 'admin.sock');
}

/** Validates a parsed document; every problem is reported at once, with its path. */
export function validateFranchise(doc: unknown, source: string): Franchise {
  const section = (doc as { daemon?: unknown } | null)?.daemon;
  const sectionIsMap = section !== null && typeof section === 'object' && !Array.isArray(section);
  // `daemon:` is checked as the daemon checks it, with a message that says where a value belongs.
  const daemon = sectionIsMap ? daemonSectionProblems(section as DaemonSection) : [];
  if (daemon.length === 0 && Value.Check(FranchiseSchema, doc)) return doc;
  const said = new Set(daemon.map((p) => `/${p.slice(0, p.indexOf(':')).replace('.', '/')}`));
  const problems = [...Value.Errors(FranchiseSchema, doc)]
    .filter((e) => !said.has(e.path))
    .map((e) => `${e.path === '' ? '(top)' : e.path.slice(1).replaceAll('/', '.')}: ${e.message}`)
    .concat(daemon);
  const unique = [...new Set(problems)].slice(0, 12);
  throw new KgcError('invalid_config', `${source} is not valid:\n  ${unique.join('\n  ')}`);
}

export function parseFranchise(text: string, source: string): Franchise {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new KgcError(
      'invalid_config',
      `${source} is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`,
    );
  }
  let data: unknown;
  try {
    // Aliases are resolved here, not by the parser: an alias with no anchor, or one that
    // expands past the library's alias limit (a "billion laughs" file), throws.
    data = doc.toJS();
  } catch (err) {
    throw new KgcError('invalid_config', `${source} is not valid YAML: ${(err as Error).message}`);
  }
  return validateFranchise(data, source);
}

export function loadFranchise(root: string, id: string): FranchiseRef {
  const dir = franchiseDir(root, id);
  const file = join(dir, FRANCHISE_FILE);
  const text = readIfExists(file, 'the franchise file');
  if (text === undefined)
    throw new KgcError('franchise_not_found', `no franchise "${id}": ${file} does not exist`);
  const franchise = parseFranchise(text, file);
  if (franchise.id !== id) {
    throw new KgcError(
      'invalid_config',
      `${file} says id "${franchise.id}" but lives in the directory of "${id}": make them the same`,
    );
  }
  return { id, dir, franchise };
}

/** The franchise named, or the only one there is. */
export function resolveFranchise(root: string, id: string | undefined): FranchiseRef {
  if (id !== undefined) return loadFranchise(root, id);
  const ids = listFranchiseIds(root);
  if (ids.length === 1) return loadFranchise(root, ids[0] as string);
  if (ids.length === 0) {
    throw new KgcError('franchise_not_found', `no franchise in ${root}`);
  }
  throw new KgcError(
    'usage',
    `${ids.length} franchises in ${root} (${ids.join(', ')}): pass --franchise <id>`,
  );
}

export function loadAllFranchises(root: string): FranchiseRef[] {
  return listFranchiseIds(root).map((id) => loadFranchise(root, id));
}

/** The text of franchise.yaml, with a comment that points editors at the JSON Schema. */
export function franchiseYaml(f: Franchise, schemaRef: string): string {
  const body = stringify(f, { lineWidth: 0, indent: 2 });
  return [
    `# yaml-language-server: $schema=${schemaRef}`,
    `# The Support module of franchise "${f.id}". Edit, then run: kgc-support render --franchise ${f.id}`,
    body,
  ].join('\n');
}

/** The $schema reference from a franchise directory to the published schema file. */
export function schemaRefFrom(dir: string, schemaFile: string): string {
  const rel = relative(dir, schemaFile).split(sep);
  // Up to the file system's root and down again says nothing: then the absolute path.
  const ups = rel.filter((s) => s === '..').length;
  return ups >=
    resolve(dir)
      .split(sep)
      .filter((s) => s !== '').length
    ? schemaFile
    : rel.join('/');
}

export function saveFranchise(dir: string, f: Franchise, schemaFile: string): string {
  validateFranchise(f, 'the new franchise.yaml');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, FRANCHISE_FILE);
  const tmp = join(dirname(file), `.${FRANCHISE_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, franchiseYaml(f, schemaRefFrom(dir, schemaFile)), { mode: 0o644 });
  renameSync(tmp, file);
  return file;
}
