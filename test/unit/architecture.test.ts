/**
 * The import rules of CONTRIBUTING.md, checked on every file: lower layers never
 * import higher ones, a capability never reaches into another's queries, and the
 * top layer's pieces depend on each other in one direction only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const BOTTOM = new Set(['config', 'errors', 'context', 'store', 'metrics', 'ops']);
const TOP = new Set(['api', 'admin', 'daemon', 'cli', 'index.ts']);
/** Which top-layer folders each top-layer folder may import. */
const TOP_MAY_USE: Record<string, readonly string[]> = {
  cli: ['admin', 'daemon', 'api'],
  daemon: ['api', 'admin'],
  admin: [],
  api: [],
  'index.ts': [],
};

/**
 * The bottom layer's one exception: the daemon's start-time check (settings plus the
 * format of what it imports) reads two pure format modules, so that init, render and
 * doctor refuse exactly what the daemon would, without a database or HTTP.
 */
const BOTTOM_MAY_IMPORT: Record<string, readonly string[]> = {
  'config/daemon-env-check.ts': ['keys/key-format.ts', 'webhooks/signature.ts'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(folder: string): 'bottom' | 'middle' | 'top' {
  if (BOTTOM.has(folder)) return 'bottom';
  if (TOP.has(folder)) return 'top';
  return 'middle';
}

const IMPORT_RE =
  /(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function violations(): string[] {
  const out: string[] = [];
  for (const file of files(SRC)) {
    const from = relative(SRC, file).split(sep);
    const fromFolder = from.length === 1 ? (from[0] as string) : (from[0] as string);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (!spec || !spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), spec)).split(sep);
      const toFolder =
        target[0] === undefined
          ? ''
          : target.length === 1
            ? target[0].replace(/\.js$/, '.ts')
            : target[0];
      if (toFolder === fromFolder) continue;
      const where = `${relative(SRC, file)} → ${spec}`;
      const [lf, lt] = [layerOf(fromFolder), layerOf(toFolder)];
      const allowed =
        BOTTOM_MAY_IMPORT[from.join('/')]?.includes(target.join('/').replace(/\.js$/, '.ts')) ===
        true;
      if (lf === 'bottom' && lt !== 'bottom' && !allowed)
        out.push(`bottom imports ${lt}: ${where}`);
      if (lf === 'middle' && lt === 'top') out.push(`capability imports the top layer: ${where}`);
      if (lf === 'middle' && lt === 'middle' && /\.queries\.js$/.test(spec))
        out.push(`capability reaches into another's queries: ${where}`);
      if (lf === 'top' && lt === 'top' && !(TOP_MAY_USE[fromFolder] ?? []).includes(toFolder))
        out.push(`${fromFolder} may not import ${toFolder}: ${where}`);
    }
  }
  return out;
}

describe('architecture', () => {
  it('keeps the import rules', () => {
    expect(violations()).toEqual([]);
  });

  it('would notice a violation (the check itself works)', () => {
    const text = "import { x } from '../cli/main.js';";
    expect([...text.matchAll(IMPORT_RE)].map((m) => m[1])).toEqual(['../cli/main.js']);
    expect(layerOf('keys')).toBe('middle');
    expect(layerOf('cli')).toBe('top');
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
