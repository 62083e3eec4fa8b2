/**
 * franchise.yaml, for any franchise and any edit: what `init` writes reads back as
 * the same franchise; any text, and any valid file with one value replaced or one
 * key removed or added, is either a valid franchise or refused as `invalid_config`
 * naming the problem (never another error, never a half-read franchise).
 */
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KgcError } from '../../src/errors/kgc-error.js';
import {
  FRANCHISE_ID_PATTERN,
  FranchiseSchema,
  type Franchise,
} from '../../src/franchise/franchise.schema.js';
import { franchiseYaml, parseFranchise } from '../../src/franchise/franchise.store.js';
import { newFranchise } from '../../src/franchise/new-franchise.js';
import { slotPorts } from '../../src/franchise/ports.js';
import { hostileString, runs } from './runs.js';

const franchise: fc.Arbitrary<Franchise> = fc
  .record({
    id: fc.stringMatching(new RegExp(FRANCHISE_ID_PATTERN)),
    name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    layout: fc.constantFrom('profiles' as const, 'separate' as const),
    enabled: fc.boolean(),
    slot: fc.integer({ min: 0, max: 50 }),
    chatwootAccountNumber: fc.option(fc.integer({ min: 1, max: 2_147_483_647 }), {
      nil: undefined,
    }),
    timezone: fc.option(fc.constantFrom('Europe/Budapest', 'Europe/Vienna', 'UTC'), {
      nil: undefined,
    }),
  })
  .map(({ slot, ...a }) => newFranchise(a, slotPorts(slot)));

/** Parsed, or refused as invalid_config: nothing else. */
function parsedOrRefused(text: string): Franchise | 'refused' {
  try {
    const f = parseFranchise(text, 'franchise.yaml');
    expect(Value.Check(FranchiseSchema, f)).toBe(true);
    return f;
  } catch (err) {
    expect(err).toBeInstanceOf(KgcError);
    expect((err as KgcError).code).toBe('invalid_config');
    expect((err as KgcError).message).toMatch(/^franchise\.yaml is not valid/);
    return 'refused';
  }
}

type Doc = Record<string, unknown>;

/** Every path to a value in a parsed document. */
function paths(v: unknown, at: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [at];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return [at, ...entries.flatMap(([k, x]) => paths(x, [...at, k]))];
}

function withChange(doc: Doc, path: string[], how: 'set' | 'delete' | 'add', value: unknown): Doc {
  const copy = structuredClone(doc);
  if (path.length === 0) return how === 'set' ? (value as Doc) : copy;
  let node = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (how === 'set') node[last] = value;
  else if (how === 'delete') delete node[last];
  else if (typeof node[last] === 'object' && node[last] !== null)
    (node[last] as Record<string, unknown>).unexpected_key = value;
  return copy;
}

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  hostileString,
  fc.integer(),
  fc.constantFrom(0, -1, 65_536, 1e300, true, null, [], {}),
);

describe('franchise.yaml (property)', () => {
  it('reads back exactly what init writes', () => {
    fc.assert(
      fc.property(franchise, (f) => {
        expect(parseFranchise(franchiseYaml(f, '../schemas/franchise.schema.json'), 'x')).toEqual(
          f,
        );
      }),
      runs(200),
    );
  });

  it('a valid file with one value replaced, removed or added is valid or refused by path', () => {
    fc.assert(
      fc.property(
        franchise,
        fc.nat(),
        fc.constantFrom('set' as const, 'delete' as const, 'add' as const),
        anyValue,
        (f, pick, how, value) => {
          const doc = parse(franchiseYaml(f, 'schema.json')) as Doc;
          const all = paths(doc);
          const path = all[pick % all.length] as string[];
          const out = parsedOrRefused(stringify(withChange(doc, path, how, value)));
          if (how === 'add' && out !== 'refused')
            expect(JSON.stringify(out)).not.toContain('unexpected_key');
        },
      ),
      runs(400),
    );
  });

  it('refuses an alias with no anchor, and an alias bomb, as invalid_config (found by this property)', () => {
    expect(parsedOrRefused('version: 1\nid: *!\n')).toBe('refused');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const n of 'bcdefghij')
      bomb.push(
        `${n}: &${n} [${Array(10)
          .fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );
    expect(parsedOrRefused(bomb.join('\n'))).toBe('refused');
  });

  it('any text, and any cut or spliced file, is valid or refused as invalid_config', () => {
    fc.assert(
      fc.property(
        franchise,
        fc.oneof(hostileString, fc.string({ unit: 'binary', maxLength: 300 })),
        fc.nat(),
        fc.boolean(),
        (f, junk, at, splice) => {
          const text = franchiseYaml(f, 'schema.json');
          const i = at % text.length;
          parsedOrRefused(junk);
          parsedOrRefused(splice ? text.slice(0, i) + junk + text.slice(i) : text.slice(0, i));
        },
      ),
      runs(300),
    );
  });
});
