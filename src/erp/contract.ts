/** Whether a database offers the ERP read contract: the kgc_erp tables the daemon reads. */
import type { Db } from '../store/db.js';

export const CONTRACT_TABLES = [
  'customers', 'machines', 'rentals', 'worklogs', 'orders', 'order_items', 'products', 'inventory', 'locations', 'appointments',
] as const;

export async function missingContractTables(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'kgc_erp' AND table_name = ANY($1::text[])`,
    [CONTRACT_TABLES],
  );
  const present = new Set(rows.map((r) => r.name));
  return CONTRACT_TABLES.filter((t) => !present.has(t));
}
