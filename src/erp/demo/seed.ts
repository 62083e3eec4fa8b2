/**
 * `kgc-support demo seed`: loads the demo data into kgc_erp. Safe to run again:
 * rows are upserted by their ids, nothing else is touched. It refuses a database
 * that holds anything else (a row the demo does not have, or one of its ids with
 * other values: a real ERP's C-456 is never overwritten) unless forced.
 */
import type { Ctx } from '../../context/context.js';
import { KgcError } from '../../errors/kgc-error.js';
import type { Queryable } from '../../context/db.js';
import { localParts } from '../local-time.js';
import * as data from './demo-data.js';

type Row = Record<string, unknown>;

async function upsert(
  q: Queryable,
  table: string,
  key: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0] as Row);
  const values: unknown[] = [];
  const tuples = rows.map(
    (r) =>
      `(${cols
        .map((c) => {
          values.push(r[c]);
          return `$${values.length}`;
        })
        .join(', ')})`,
  );
  const updates = cols.filter((c) => !key.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  await q.query(
    `INSERT INTO kgc_erp.${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')}
     ON CONFLICT (${key.join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`,
    values,
  );
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface SeedSummary {
  customers: number;
  rentals: number;
  worklogs: number;
  orders: number;
  products: number;
  locations: number;
}

/** One table's demo rows: its key, and the columns a re-seed on another day may change (dates around today). */
interface DemoTable {
  table: string;
  key: readonly string[];
  rows: readonly Row[];
  moving?: readonly string[];
}

function demoTables(today: string): DemoTable[] {
  return [
    { table: 'locations', key: ['id'], rows: data.LOCATIONS },
    { table: 'customers', key: ['id'], rows: data.CUSTOMERS as unknown as Row[] },
    { table: 'machines', key: ['id'], rows: data.MACHINES },
    {
      table: 'rentals',
      key: ['id'],
      moving: ['rental_start', 'rental_end', 'returned_on'],
      rows: data.RENTALS.map((r) => ({
        id: r.id,
        customer_id: r.customer_id,
        machine_id: r.machine_id,
        location_id: r.location_id,
        rental_start: addDays(today, r.start),
        rental_end: addDays(today, r.end),
        returned_on: r.returned === null ? null : addDays(today, r.returned),
        status: r.status,
      })),
    },
    { table: 'worklogs', key: ['id'], rows: data.WORKLOGS },
    { table: 'products', key: ['sku'], rows: data.PRODUCTS },
    { table: 'inventory', key: ['sku', 'location_id'], rows: data.INVENTORY },
    {
      table: 'orders',
      key: ['id'],
      moving: ['estimated_arrival'],
      rows: data.ORDERS.map((o) => {
        const offset = data.ORDER_ETA_OFFSETS[o.id];
        return {
          ...o,
          estimated_arrival: offset === undefined ? o.estimated_arrival : addDays(today, offset),
        };
      }),
    },
    { table: 'order_items', key: ['order_id', 'line_no'], rows: data.ORDER_ITEMS },
  ];
}

const SHOWN = 5;
const keyText = (t: DemoTable): string =>
  t.key.length === 1 ? `t.${t.key[0]}` : `concat_ws('/', ${t.key.map((k) => `t.${k}`).join(', ')})`;

/**
 * What in kgc_erp is not the demo's own: rows under other keys, and demo keys whose
 * row differs (typed by PostgreSQL itself: jsonb_populate_recordset casts the demo
 * rows to the table's row type). Appointments are left out: the daemon books them.
 */
export async function foreignErpData(q: Queryable, today: string): Promise<string[]> {
  const found: string[] = [];
  for (const t of demoTables(today)) {
    const demo = `jsonb_populate_recordset(NULL::kgc_erp.${t.table}, $1::jsonb) AS v`;
    const match = t.key.map((k) => `v.${k} = t.${k}`).join(' AND ');
    const compared = Object.keys(t.rows[0] as Row).filter(
      (c) => !t.key.includes(c) && !(t.moving ?? []).includes(c),
    );
    const json = JSON.stringify(t.rows);
    const others = await q.query<{ k: string; n: number }>(
      `SELECT ${keyText(t)} AS k, count(*) OVER ()::int AS n FROM kgc_erp.${t.table} t
        WHERE NOT EXISTS (SELECT 1 FROM ${demo} WHERE ${match}) ORDER BY 1 LIMIT ${SHOWN}`,
      [json],
    );
    const n = others.rows[0]?.n ?? 0;
    if (n > 0)
      found.push(
        `${t.table}: ${n} row(s) the demo does not have (${others.rows.map((r) => r.k).join(', ')}${n > SHOWN ? ', …' : ''})`,
      );
    if (compared.length === 0) continue;
    const differ = await q.query<{ k: string }>(
      `SELECT ${keyText(t)} AS k FROM kgc_erp.${t.table} t JOIN ${demo} ON ${match}
        WHERE ROW(${compared.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM ROW(${compared.map((c) => `v.${c}`).join(', ')}) ORDER BY 1`,
      [json],
    );
    if (differ.rows.length > 0)
      found.push(
        `${t.table}: ${differ.rows.map((r) => r.k).join(', ')} differ(s) from the demo's row`,
      );
  }
  return found;
}

export interface SeedOptions {
  /** Load even into a database holding other data (overwrites the demo's ids). */
  readonly force?: boolean;
}

export async function seedDemo(
  ctx: Pick<Ctx, 'erp' | 'clock' | 'config'>,
  opts: SeedOptions = {},
): Promise<SeedSummary> {
  const today = localParts(ctx.clock.now(), ctx.config.timezone).date;
  await ctx.erp.tx(async (q) => {
    if (opts.force !== true) {
      const foreign = await foreignErpData(q, today);
      if (foreign.length > 0) {
        throw new KgcError(
          'erp_not_empty',
          `the ERP database (${ctx.erp.label}) holds data other than the demo's; loading it would overwrite or mix with it:\n  ${foreign.join('\n  ')}`,
        );
      }
    }
    for (const t of demoTables(today)) await upsert(q, t.table, t.key, t.rows);
  });
  return {
    customers: data.CUSTOMERS.length,
    rentals: data.RENTALS.length,
    worklogs: data.WORKLOGS.length,
    orders: data.ORDERS.length,
    products: data.PRODUCTS.length,
    locations: data.LOCATIONS.length,
  };
}
