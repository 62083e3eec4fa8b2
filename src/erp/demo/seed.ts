/**
 * `kgc-support demo seed`: loads the demo data into kgc_erp. Safe to run again:
 * rows are upserted by their ids, nothing else is touched.
 */
import type { Ctx } from '../../context/context.js';
import type { Queryable } from '../../store/db.js';
import { localParts } from '../local-time.js';
import * as data from './demo-data.js';

type Row = Record<string, unknown>;

async function upsert(q: Queryable, table: string, key: readonly string[], rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0] as Row);
  const values: unknown[] = [];
  const tuples = rows.map((r) => `(${cols.map((c) => { values.push(r[c]); return `$${values.length}`; }).join(', ')})`);
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
  customers: number; rentals: number; worklogs: number; orders: number; products: number; locations: number;
}

export async function seedDemo(ctx: Pick<Ctx, 'erp' | 'clock' | 'config'>): Promise<SeedSummary> {
  const today = localParts(ctx.clock.now(), ctx.config.timezone).date;
  await ctx.erp.tx(async (q) => {
    await upsert(q, 'locations', ['id'], data.LOCATIONS);
    await upsert(q, 'customers', ['id'], data.CUSTOMERS as unknown as Row[]);
    await upsert(q, 'machines', ['id'], data.MACHINES);
    await upsert(q, 'rentals', ['id'], data.RENTALS.map((r) => ({
      id: r.id, customer_id: r.customer_id, machine_id: r.machine_id, location_id: r.location_id,
      rental_start: addDays(today, r.start), rental_end: addDays(today, r.end),
      returned_on: r.returned === null ? null : addDays(today, r.returned), status: r.status,
    })));
    await upsert(q, 'worklogs', ['id'], data.WORKLOGS as unknown as Row[]);
    await upsert(q, 'products', ['sku'], data.PRODUCTS);
    await upsert(q, 'inventory', ['sku', 'location_id'], data.INVENTORY);
    await upsert(q, 'orders', ['id'], data.ORDERS.map((o) => {
      const offset = data.ORDER_ETA_OFFSETS[o.id];
      return { ...o, estimated_arrival: offset === undefined ? o.estimated_arrival : addDays(today, offset) };
    }));
    await upsert(q, 'order_items', ['order_id', 'line_no'], data.ORDER_ITEMS);
  });
  return {
    customers: data.CUSTOMERS.length, rentals: data.RENTALS.length, worklogs: data.WORKLOGS.length,
    orders: data.ORDERS.length, products: data.PRODUCTS.length, locations: data.LOCATIONS.length,
  };
}
