/**
 * Subject access (GDPR art. 15): `gdpr export <customer-id>` and GET
 * /api/customers/{id}/export gather everything held about the customer in every
 * system the erasure cascade reaches, each step reading its own system (collect): the
 * ERP contract's rows, the webhooks' record, the chatbot's memory files, the Chatwoot
 * contact, Redis keys, and the daemon's own events, attempts, audit rows, replies and
 * outbox rows. A system that cannot be read is listed as unreachable and the document
 * says it is not complete. Audited by the customer's keyed hash, never by the id.
 */
import { recordAdminAction } from '../audit/audit.service.js';
import type { Ctx } from '../context/context.js';
import { validateCustomerId } from '../formats/customer-id.js';
import { customerHash, receiptKey } from '../privacy/customer-hash.js';
import { STEPS } from './cascade.js';
import type { ErasureDeps } from './deps.js';
import * as sql from './gdpr.queries.js';
import type { SubjectAccess, SystemExport } from './gdpr.schema.js';
import { readOnlyRequest } from './gdpr.service.js';
import type { RequestRow } from './requests.js';
import { StepFailure } from './steps/failure.js';
import type { StepContext } from './steps/step.js';

/** What the audit log names an export by: the keyed hash, as receipts do. */
export const exportResource = (hash: string): string => `hmac-sha256:${hash}`;

export async function exportCustomer(
  ctx: Ctx,
  deps: ErasureDeps,
  input: { customer_id: string },
): Promise<SubjectAccess> {
  const started = performance.now();
  const customerId = validateCustomerId(input.customer_id);
  const request = await readOnlyRequest(ctx, customerId, 'access-request');
  const sc: StepContext = { ctx, deps, request, ref: null, setRef: async (r) => r };
  const systems: SystemExport[] = [];
  for (const step of STEPS) {
    try {
      systems.push({ system: step.name, ...(await step.collect(sc)) });
    } catch (err) {
      const why =
        err instanceof StepFailure
          ? err.message
          : `could not be read (${(err as { code?: string }).code ?? (err as Error).name})`;
      ctx.logger.warn(
        { system: step.name, err: (err as Error).message },
        'export: system not read',
      );
      systems.push({ system: step.name, status: 'unreachable', detail: why, data: null });
    }
  }
  const hash = customerHash(await receiptKey(ctx), customerId);
  const { rows } = await ctx.db.query<RequestRow>(sql.LIST_REQUESTS, [hash, null, 1000]);
  const complete = systems.every((s) => s.status !== 'unreachable');
  await recordAdminAction(ctx, {
    action: 'gdpr.export',
    resourceId: exportResource(hash),
    status: complete ? 200 : 207,
    latencyMs: performance.now() - started,
  });
  return {
    export_version: 1,
    customer_id: customerId,
    generated_at: new Date(ctx.clock.now()).toISOString(),
    complete,
    erasure_requests: rows.map((r) => ({
      request_id: r.id,
      state: r.state,
      received_at: r.created_at.toISOString(),
      finished_at: r.finished_at ? r.finished_at.toISOString() : null,
    })),
    systems,
  };
}
