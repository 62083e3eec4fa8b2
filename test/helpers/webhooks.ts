/**
 * Webhook test kit: a sample payload per event type (seed 2 and 4.1 values), and a
 * dispatcher over a test store pointed at a receiver, with short schedules.
 */
import type { Ctx } from '../../src/context/context.js';
import type { EventType } from '../../src/events/catalogue.js';
import { insertEvents, newEventId } from '../../src/events/events.service.js';
import { startDispatcher } from '../../src/webhooks/dispatcher.js';
import type { Dispatcher } from '../../src/webhooks/dispatcher.types.js';
import { createTestStore, type StoreKind, type TestStore } from './store.js';

const customer = { id: 'C-123', name: 'Kovács János', phone: '+36301234567' };

export const SAMPLES: { [T in EventType]: Record<string, unknown> } = {
  'rental.started': {
    rental_id: 'R-2025-001',
    customer,
    machine: { id: 'MAK-TV01', name: 'Makita talajvágó' },
    rental_start: '2025-12-28',
    rental_end: '2025-12-30',
  },
  'rental.ended': {
    rental_id: 'R-2025-001',
    customer,
    returned_on: '2025-12-30',
    late_days: 0,
    satisfaction_survey: true,
  },
  'service.quote_ready': {
    worklog_id: 'M-2025-0123',
    customer: { id: 'C-456', name: 'Nagy Péter', phone: '+36309876543' },
    machine: 'Husqvarna láncfűrész 450e',
    quote_amount: 18500,
    technician_notes: 'Lánc és láncvezető csere.',
  },
  'service.repair_done': {
    worklog_id: 'M-2025-0123',
    customer: { id: 'C-456', name: 'Nagy Péter', phone: '+36309876543' },
    machine: 'Husqvarna láncfűrész 450e',
    pickup_info: { location_id: 'BP-01', address: '1134 Budapest, Váci út 45.' },
  },
  'order.arrived': {
    order_id: 'O-2025-0456',
    customer,
    items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 2, status: 'beérkezett' }],
  },
  'customer.deleted': { customer_id: 'C-123', gdpr_reason: 'user_request' },
};

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAbCdEfGh';

/** Settings for fast tests: retries 50 ms apart, quick polls and probes. */
export function fastEnv(
  supportUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SUPPORT_API_URL: supportUrl,
    SUPPORT_WEBHOOK_SECRET: SECRET,
    KGC_SUPPORT_WEBHOOK_SCHEDULE: '0,50ms,50ms',
    KGC_SUPPORT_WEBHOOK_TIMEOUT: '2s',
    KGC_SUPPORT_WEBHOOK_LEASE: '5s',
    KGC_SUPPORT_WEBHOOK_POLL: '200ms',
    KGC_SUPPORT_WEBHOOK_PROBE_INTERVAL: '100ms',
    ...extra,
  };
}

export interface TestDispatch {
  ts: TestStore;
  module: { enabled: boolean };
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

export async function startTestDispatch(
  kind: StoreKind,
  env: Record<string, string>,
  existing?: TestStore,
): Promise<TestDispatch> {
  const ts = existing ?? (await createTestStore(kind, { env }));
  const module = { enabled: true };
  const dispatcher = await startDispatcher({ ctx: ts.ctx, enabled: () => module.enabled });
  return {
    ts,
    module,
    dispatcher,
    async close() {
      await dispatcher.close();
      if (!existing) await ts.close();
    },
  };
}

/** Inserts n order.arrived events in batches of 500 (one statement each, waking the dispatchers). */
export async function insertMany(ctx: Ctx, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, () => ({
      id: newEventId(ctx),
      type: 'order.arrived',
      occurredAt: new Date(),
      data: SAMPLES['order.arrived'],
      error: null,
    }));
    await ctx.db.tx((q) => insertEvents(q, batch, 'cli', new Date()));
    ids.push(...batch.map((b) => b.id));
  }
  return ids;
}
