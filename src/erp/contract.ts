/** Whether a database offers the ERP read contract: the kgc_erp tables the daemon reads. */
import type { Db } from '../context/db.js';

export const CONTRACT_TABLES = [
  'customers',
  'machines',
  'rentals',
  'worklogs',
  'orders',
  'order_items',
  'products',
  'inventory',
  'locations',
  'appointments',
] as const;

export async function missingContractTables(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'kgc_erp' AND table_name = ANY($1::text[])`,
    [CONTRACT_TABLES],
  );
  const present = new Set(rows.map((r) => r.name));
  return CONTRACT_TABLES.filter((t) => !present.has(t));
}

const POINT_AT_ERP =
  "ERP_DATABASE_URL must point at the ERP's database (the one whose kgc_erp schema holds its customers)";

/**
 * The ERP contract as /ready reports it: failing when its database does not answer,
 * when kgc_erp lacks a table, or when it holds no customer (a daemon reading an empty
 * contract answers 404 to every Pull API call). `separate`: ERP_DATABASE_URL is set.
 */
export async function contractCheck(
  erp: Db,
  reach: { status: 'pass' | 'fail'; detail?: string } | undefined,
  separate: boolean,
): Promise<{ status: 'pass' | 'fail'; detail?: string }> {
  const where = separate
    ? 'the ERP database (ERP_DATABASE_URL)'
    : "the daemon's own store (ERP_DATABASE_URL is unset)";
  if (reach?.status !== 'pass')
    return {
      status: 'fail',
      detail: `${where} does not answer${reach?.detail ? ` (${reach.detail})` : ''}: ${POINT_AT_ERP}`,
    };
  try {
    const missing = await missingContractTables(erp);
    if (missing.length > 0)
      return {
        status: 'fail',
        detail: `kgc_erp in ${where} lacks ${missing.join(', ')}: ${POINT_AT_ERP}`,
      };
    const { rows } = await erp.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM kgc_erp.customers) AS any',
    );
    if (rows[0]?.any !== true) {
      return {
        status: 'fail',
        detail: `kgc_erp.customers in ${where} is empty: ${POINT_AT_ERP}${separate ? '' : ' (or load the demo data: kgc-support demo seed)'}`,
      };
    }
    return { status: 'pass' };
  } catch (err) {
    return {
      status: 'fail',
      detail: `cannot read kgc_erp in ${where} (${(err as Error).message}): ${POINT_AT_ERP}`,
    };
  }
}
