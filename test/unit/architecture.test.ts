/**
 * The import rules of docs/architecture.md, checked on every file of src/:
 * - every folder has a place in LAYER_ORDER, and an import only ever points at a folder
 *   listed before its own (never up, never sideways to a later one);
 * - no import cycle, between files of one folder included;
 * - a capability never reaches into another's queries;
 * - in the top layer, the two front doors (api, admin) do not use each other.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * The folders of src/ (and its top-level files), bottom first: each may import only
 * those before it. docs/architecture.md tells the same order with what each holds.
 */
const LAYER_ORDER: readonly string[] = [
  // bottom: no capability, no I/O of its own beyond the store
  'version.ts',
  'errors',
  'formats',
  'config',
  'context',
  'store',
  'metrics',
  'ops',
  // the capabilities
  'franchise',
  'audit',
  'keys',
  'plugin',
  'erp',
  'privacy',
  'events',
  'webhooks',
  'cache',
  'gdpr',
  'retention',
  'render',
  'docker',
  'rotation',
  'health',
  'doctor',
  'backup',
  'bundle',
  'upgrade',
  'admin-ui',
  // top: the front doors and what runs them
  'api',
  'admin',
  'daemon',
  'cli',
  'index.ts',
];

/** Which top-layer folders may not import each other although the order would let them. */
const APART: readonly (readonly [string, string])[] = [['admin', 'api']];

const CAPABILITIES = new Set(LAYER_ORDER.slice(LAYER_ORDER.indexOf('franchise')));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT_RE =
  /(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The file graph of src/: for each file (relative, with `/`), the src files it imports. */
function importGraph(root = SRC): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files(root)) {
    const from = relative(root, file).split(sep).join('/');
    const to = new Set<string>();
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (!spec?.startsWith('.')) continue;
      to.add(
        relative(root, resolve(dirname(file), spec))
          .split(sep)
          .join('/')
          .replace(/\.js$/, '.ts'),
      );
    }
    graph.set(from, [...to]);
  }
  return graph;
}

const folderOf = (file: string): string => file.split('/')[0] as string;

/** Every import cycle, as the files of each strongly connected component (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Imports that break a rule, each as "why: from → to". */
function violations(
  graph: ReadonlyMap<string, readonly string[]>,
  order: readonly string[] = LAYER_ORDER,
): string[] {
  const rank = new Map(order.map((f, i) => [f, i]));
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const ff = folderOf(from);
    if (!rank.has(ff)) out.push(`not in LAYER_ORDER (add it where it belongs): ${ff}`);
    for (const to of targets) {
      const tf = folderOf(to);
      if (tf === ff) continue;
      const where = `${from} → ${to}`;
      const [rf, rt] = [rank.get(ff), rank.get(tf)];
      if (rf !== undefined && rt !== undefined && rt > rf) out.push(`arrow up: ${where}`);
      if (CAPABILITIES.has(ff) && CAPABILITIES.has(tf) && /\.queries\.ts$/.test(to))
        out.push(`capability reaches into another's queries: ${where}`);
      if (APART.some(([a, b]) => (a === ff && b === tf) || (a === tf && b === ff)))
        out.push(`${ff} and ${tf} are separate front doors: ${where}`);
    }
  }
  return [...new Set(out)];
}

describe('architecture', () => {
  const graph = importGraph();

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('imports only downwards, in the declared order of the layers', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('would notice a cycle, an arrow up, a foreign query and an unknown folder', () => {
    const g = new Map<string, string[]>([
      ['keys/a.ts', ['keys/b.ts', 'errors/e.ts']],
      ['keys/b.ts', ['keys/a.ts']],
      ['errors/e.ts', ['config/c.ts']],
      ['gdpr/g.ts', ['keys/keys.queries.ts']],
      ['nowhere/n.ts', []],
      ['api/x.ts', ['admin/y.ts']],
    ]);
    expect(cycles(g)).toEqual([['keys/a.ts', 'keys/b.ts']]);
    expect(violations(g)).toEqual([
      'arrow up: errors/e.ts → config/c.ts',
      "capability reaches into another's queries: gdpr/g.ts → keys/keys.queries.ts",
      'not in LAYER_ORDER (add it where it belongs): nowhere',
      'arrow up: api/x.ts → admin/y.ts',
      'api and admin are separate front doors: api/x.ts → admin/y.ts',
    ]);
    const text = "import type { x } from '../cli/main.js'; await import('./lazy.js');";
    expect([...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2])).toEqual([
      '../cli/main.js',
      './lazy.js',
    ]);
  });

  it('lists every folder of src/ in the order', () => {
    const folders = new Set([...graph.keys()].map(folderOf));
    expect([...folders].filter((f) => !LAYER_ORDER.includes(f as never))).toEqual([]);
  });

  it('keeps the version in package.json alone (src/version.ts is generated from it)', () => {
    const { version } = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8')) as {
      version: string;
    };
    expect(readFileSync(join(SRC, 'version.ts'), 'utf8')).toContain(`VERSION = '${version}';`);
    const quoted = new RegExp(`['"\`]${version.replaceAll('.', '\\.')}['"\`]`);
    const copies = files(SRC).filter(
      (f) => !f.endsWith(`${sep}version.ts`) && quoted.test(readFileSync(f, 'utf8')),
    );
    expect(copies.map((f) => relative(SRC, f))).toEqual([]);
  });

  // Counted on Prettier's layout, which spreads long signatures over several lines: 450 of
  // its lines are about 300 dense ones. config/settings.ts is a table of settings (data, one
  // entry per setting), not logic, so it may be longer.
  it('keeps files small enough to read (about 450 formatted lines)', () => {
    const DATA_TABLES = new Set(['config/settings.ts']);
    const long = files(SRC)
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([name, n]) => n > 450 && !DATA_TABLES.has(name));
    expect(long).toEqual([]);
  });
});
