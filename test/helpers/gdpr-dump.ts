/**
 * What "no trace left" is checked against: a dump of every row of every table of a
 * database, searched for every written form of a person.
 */
import type { Queryable } from '../../src/context/db.js';
import type { Person } from './gdpr.js';

/** Every written form of the person that must be gone (the phone as typed in Hungary too). */
export function traceForms(p: Person): (string | RegExp)[] {
  const national = p.phone.slice(3); // 301239001
  return [
    new RegExp(`(^|[^A-Za-z0-9_-])${p.id}($|[^A-Za-z0-9_-])`),
    p.phone,
    `36${national}`,
    `06${national}`,
    `06 ${national.slice(0, 2)} ${national.slice(2, 5)} ${national.slice(5)}`,
    national,
    p.name,
    p.email,
  ];
}

/** Every row of every table outside the system schemas, as text (JSON \\u escapes undone too). */
export async function dumpDatabase(q: Queryable): Promise<Map<string, string[]>> {
  const { rows: tables } = await q.query<{ s: string; t: string }>(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1, 2`,
  );
  const out = new Map<string, string[]>();
  for (const { s, t } of tables) {
    const { rows } = await q.query<Record<string, unknown>>(`SELECT * FROM "${s}"."${t}"`);
    const texts = rows.map((r) =>
      Object.values(r)
        .map((v) => {
          const text = typeof v === 'string' ? v : JSON.stringify(v ?? null);
          return `${text}\n${text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))}`;
        })
        .join('\n'),
    );
    out.set(`${s}.${t}`, texts);
  }
  return out;
}

/** Tables (with a count) where any of the forms still appears. */
export function tracesIn(
  dump: Map<string, string[]>,
  forms: (string | RegExp)[],
): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [table, texts] of dump) {
    const n = texts.filter((t) =>
      forms.some((f) => (typeof f === 'string' ? t.includes(f) : f.test(t))),
    ).length;
    if (n > 0) found[table] = n;
  }
  return found;
}
