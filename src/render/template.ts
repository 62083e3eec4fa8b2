/**
 * The templates `render` works from, and the pure functions that apply them:
 *
 *   compose/<group>.yml            building blocks: service definitions by service name
 *   templates/<layout>/<file>.yml  one skeleton per compose file: which services, their
 *                                  networks, labels, profiles, healthcheck timing
 *   templates/env/<section>.env    which variables a .env file holds, with comments
 *   templates/knowledge-base/*.md  starter files of the knowledge base (the admin's once written)
 *
 * Templates are compose syntax already (${VAR} from .env, $$ a literal $). The only
 * addition is `{{ name }}`: a franchise value, written with every $ doubled so that
 * compose never reads it as interpolation. A string that is only a placeholder takes
 * the value's type (a number stays a number).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface TemplateSet {
  /** compose/<name>.yml texts. */
  readonly blocks: Readonly<Record<string, string>>;
  /** templates/<layout>/<file> texts, keyed "<layout>/<file>". */
  readonly skeletons: Readonly<Record<string, string>>;
  /** templates/env/<section>.env texts, keyed by section. */
  readonly env: Readonly<Record<string, string>>;
  /** templates/knowledge-base/<file>: starter files of the knowledge base, keyed by file name. */
  readonly knowledgeBase: Readonly<Record<string, string>>;
}

export type Literal = string | number | boolean;
type Json = null | Literal | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function readDir(dir: string, suffix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(suffix))
    .sort())
    out[name] = readFileSync(join(dir, name), 'utf8');
  return out;
}

/** Reads the templates shipped in the package (or in a test's copy of them). */
export function loadTemplateSet(root: string): TemplateSet {
  const skeletons: Record<string, string> = {};
  for (const layout of ['profiles', 'separate']) {
    for (const [name, text] of Object.entries(readDir(join(root, 'templates', layout), '.yml')))
      skeletons[`${layout}/${name}`] = text;
  }
  const env: Record<string, string> = {};
  for (const [name, text] of Object.entries(readDir(join(root, 'templates', 'env'), '.env')))
    env[name.replace(/\.env$/, '')] = text;
  return {
    blocks: readDir(join(root, 'compose'), '.yml'),
    skeletons,
    env,
    knowledgeBase: readDir(join(root, 'templates', 'knowledge-base'), '.md'),
  };
}

/** A literal for compose YAML: compose interpolates $, so every $ is written $$. */
export function escapeCompose(s: string): string {
  return s.replaceAll('$', () => '$$');
}

const WHOLE = /^\{\{\s*([a-z_]+)\s*\}\}$/;
const PART = /\{\{\s*([a-z_]+)\s*\}\}/g;

function valueOf(values: Readonly<Record<string, Literal>>, name: string, where: string): Literal {
  if (!Object.prototype.hasOwnProperty.call(values, name))
    throw new Error(`template ${where}: unknown placeholder {{ ${name} }}`);
  return values[name] as Literal;
}

export function substitute(
  node: Json,
  values: Readonly<Record<string, Literal>>,
  where: string,
): Json {
  if (typeof node === 'string') {
    const whole = WHOLE.exec(node);
    if (whole) {
      const v = valueOf(values, whole[1] as string, where);
      return typeof v === 'string' ? escapeCompose(v) : v;
    }
    return node.replace(PART, (_m, name: string) =>
      escapeCompose(String(valueOf(values, name, where))),
    );
  }
  if (Array.isArray(node)) return node.map((n) => substitute(n, values, where));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, substitute(v, values, where)]),
    );
  }
  return node;
}

function isObject(v: Json | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** `over` laid over `base`: objects merge key by key, anything else is replaced. Fresh objects. */
export function mergeDeep(base: Json, over: Json): Json {
  if (!isObject(base) || !isObject(over)) return structuredClone(over);
  const out: JsonObject = structuredClone(base);
  for (const [k, v] of Object.entries(over))
    out[k] = k in out ? mergeDeep(out[k] as Json, v) : structuredClone(v);
  return out;
}

function parseYaml(text: string, where: string): JsonObject {
  const doc: unknown = parse(text, { merge: true, uniqueKeys: true });
  if (!isObject(doc as Json)) throw new Error(`template ${where}: not a mapping`);
  return doc as JsonObject;
}

/** Every service definition of the building blocks, by service name (x- keys are the blocks' own). */
export function parseBlocks(blocks: Readonly<Record<string, string>>): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const [file, text] of Object.entries(blocks)) {
    for (const [name, def] of Object.entries(parseYaml(text, `compose/${file}`))) {
      if (name.startsWith('x-')) continue;
      if (!isObject(def)) throw new Error(`compose/${file}: service ${name} is not a mapping`);
      if (out.has(name)) throw new Error(`compose/${file}: service ${name} is defined twice`);
      out.set(name, def);
    }
  }
  return out;
}

/**
 * A compose document: the skeleton with its placeholders filled, each service laid over
 * its building block, template-only x- keys dropped.
 */
export function composeDocument(
  skeleton: string,
  where: string,
  blocks: ReadonlyMap<string, JsonObject>,
  values: Readonly<Record<string, Literal>>,
): JsonObject {
  const doc = substitute(parseYaml(skeleton, where), values, where) as JsonObject;
  const services = doc.services;
  if (!isObject(services)) throw new Error(`template ${where}: no services`);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('x-')) continue;
    if (key !== 'services') {
      out[key] = value;
      continue;
    }
    const merged: JsonObject = {};
    for (const [name, over] of Object.entries(services)) {
      const block = blocks.get(name);
      if (!block) throw new Error(`template ${where}: no building block for service ${name}`);
      merged[name] = mergeDeep(block, over ?? {});
    }
    out.services = merged;
  }
  return out;
}

export interface EnvEntry {
  readonly comments: readonly string[];
  readonly key: string;
}

/** A .env template: `# comment` lines, then a variable name, per entry. */
export function parseEnvTemplate(text: string): EnvEntry[] {
  const out: EnvEntry[] = [];
  let comments: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      comments.push(line);
      continue;
    }
    out.push({ comments, key: line });
    comments = [];
  }
  return out;
}
