/**
 * What the erp step (steps/erp.step.ts, queries in gdpr.queries.ts) writes in the ERP's
 * tables, per erase mode: render grants the daemon's ERP role exactly this
 * (erp/kgc-support-erp.sql) and nothing more. Both modes blank the name and phone
 * copies of bookings that were never linked to a customer.
 */
import type { EraseMode } from './gdpr.schema.js';

export interface ErpGrant {
  readonly privilege: 'DELETE' | 'UPDATE';
  readonly table: string;
  /** For UPDATE: the columns; absent: the whole row. */
  readonly columns?: readonly string[];
}

const APPOINTMENT_COPIES: ErpGrant = {
  privilege: 'UPDATE',
  table: 'appointments',
  columns: ['customer_name', 'customer_phone', 'note'],
};

export const ERASE_GRANTS: Readonly<Record<EraseMode, readonly ErpGrant[]>> = {
  delete: [
    ...['appointments', 'order_items', 'orders', 'worklogs', 'rentals', 'customers'].map(
      (table): ErpGrant => ({ privilege: 'DELETE', table }),
    ),
    APPOINTMENT_COPIES,
  ],
  anonymise: [
    {
      privilege: 'UPDATE',
      table: 'customers',
      columns: ['name', 'phone', 'email', 'id_card_number', 'company', 'tax_number'],
    },
    APPOINTMENT_COPIES,
  ],
};
