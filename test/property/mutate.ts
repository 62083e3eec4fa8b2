/**
 * Arbitrary mutations of a valid JSON body: a value replaced by anything (another
 * type, a hostile string, a huge number, a deep object), a key removed, an unknown
 * key added, the whole body replaced. Applied one to three at a time.
 */
import fc from 'fast-check';
import { hostileString } from './runs.js';

type Json = unknown;

export const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      0,
      -1,
      1.5,
      1e308,
      -1e308,
      2 ** 53 + 1,
      true,
      false,
      null,
      [],
      {},
      [null],
      { id: {} },
      '2030-01-07T09:00:00+01:00',
      '2030-02-30T09:00:00Z',
      '9999-12-31T23:59:59Z',
      '+36301234567',
      'C-123',
    ),
  },
  { weight: 1, arbitrary: fc.integer() },
);

export type Mutation =
  | { kind: 'set'; pick: number; value: Json }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; pick: number; key: string; value: Json };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: anyValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      pick: fc.nat(),
      key: fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'extra')),
      value: anyValue,
    }),
  },
);

/** Every path to a value (the root included). */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [at];
  const entries: [string | number, Json][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : Object.entries(v as Record<string, Json>);
  return [at, ...entries.flatMap(([k, x]) => paths(x, [...at, k]))];
}

export function applyMutation(body: Json, m: Mutation): Json {
  const copy = structuredClone(body);
  const all = paths(copy);
  const path = all[m.pick % all.length] as (string | number)[];
  if (path.length === 0) return m.kind === 'set' ? m.value : copy;
  let node = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (m.kind === 'set') node[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    const target = node[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy;
}

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

export const mutate = (body: Json, ms: readonly Mutation[]): Json => ms.reduce(applyMutation, body);
