import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import * as sql from './erp.queries.js';
import type { WorklogStatus } from './erp.schema.js';
import { isoSeconds } from './local-time.js';

/** What the chatbot tells the customer for each worklog status (seed 4.2). */
export const STATUS_HU: Record<WorklogStatus['status'], string> = {
  felvéve: 'Felvéve, diagnosztikára vár',
  diagnosztika: 'Diagnosztika folyamatban',
  árajánlat: 'Árajánlat elkészült, jóváhagyásra vár',
  javítás: 'Javítás folyamatban',
  kész: 'Elkészült, átvehető',
  átadva: 'Átadva az ügyfélnek',
};

interface WorklogRow {
  id: string;
  machine_name: string;
  status: WorklogStatus['status'];
  estimated_completion: Date | null;
  quote_amount: number | null;
  quote_accepted: boolean | null;
  technician_notes: string | null;
  customer_id: string;
  customer_name: string;
  customer_phone: string | null;
}

export async function worklogStatus(
  ctx: Pick<Ctx, 'erp'>,
  worklogId: string,
): Promise<WorklogStatus> {
  const { rows } = await ctx.erp.query<WorklogRow>(sql.WORKLOG_STATUS, [worklogId]);
  const w = rows[0];
  if (!w) throw new KgcError('worklog_not_found', `no worklog ${worklogId}`);
  return {
    worklog_id: w.id,
    customer: { id: w.customer_id, name: w.customer_name, phone: w.customer_phone },
    machine: w.machine_name,
    status: w.status,
    status_hu: STATUS_HU[w.status],
    estimated_completion: w.estimated_completion ? isoSeconds(w.estimated_completion) : null,
    quote_accepted: w.quote_accepted,
    quote_amount: w.quote_amount,
    technician_notes: w.technician_notes,
    can_pickup: w.status === 'kész',
  };
}
