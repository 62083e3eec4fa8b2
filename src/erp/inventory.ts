import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import * as sql from './erp.queries.js';
import type { InventoryCheck, InventoryQuery } from './erp.schema.js';

interface StockRow {
  sku: string;
  name: string;
  location_id: string;
  location_name: string;
  city: string;
  quantity: number;
  reserved: number;
}

/** Stock per location (seed 2.3): all locations, or one named by id or city. Reserved units are not available. */
export async function checkInventory(
  ctx: Pick<Ctx, 'erp'>,
  q: InventoryQuery,
): Promise<InventoryCheck> {
  const location = q.location?.trim() || null;
  const { rows } = await ctx.erp.query<StockRow>(sql.INVENTORY, [q.sku, location]);
  if (rows.length === 0) {
    const product = await ctx.erp.query(sql.PRODUCT_EXISTS, [q.sku]);
    if (product.rows.length === 0)
      throw new KgcError('sku_not_found', `no product with SKU ${q.sku}`);
    throw new KgcError('location_not_found', `no location ${location}`);
  }
  const locations = rows.map((r) => {
    const available = Math.max(0, r.quantity - r.reserved);
    return {
      location_id: r.location_id,
      location_name: r.location_name,
      city: r.city,
      available,
      in_stock: available > 0,
    };
  });
  const total = locations.reduce((n, l) => n + l.available, 0);
  const first = rows[0] as StockRow;
  return {
    sku: first.sku,
    name: first.name,
    total_available: total,
    in_stock: total > 0,
    locations,
  };
}
