/**
 * The ERP's door for GDPR erasure (seed 2.4 and 5.2): DELETE /api/customers/{id}
 * with scope erp:gdpr records the request and starts the cascade (the same business
 * functions as `kgc-support gdpr delete`), answering 202 with a Location to its
 * status. Asking again for a customer who already has a request returns that one
 * (200, `idempotent-replayed: true`): the cascade never runs twice. The id is
 * checked as the CLI checks it, before it is used anywhere. Beside it, GET
 * /api/customers/{id}/export answers an access request (the same op as `gdpr export`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Ctx } from '../../context/context.js';
import { exportResource } from '../../gdpr/export.js';
import { RequestId, RequestView, SubjectAccess } from '../../gdpr/gdpr.schema.js';
import { customerHash, receiptKey } from '../../privacy/customer-hash.js';
import { erasureStatus, type ApiErasure } from '../../gdpr/gdpr.service.js';
import { problemResponses } from '../problem.js';

/** Seed 5.2 sends the reason with the customer.deleted event; a bare DELETE (its example) means the person asked. */
export const DEFAULT_GDPR_REASON = 'user_request';

const Reason = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Why (a lower-case code); user_request when absent',
  examples: ['user_request'],
});
const ReasonBody = Type.Union([
  Type.Object({ gdpr_reason: Type.Optional(Reason) }, { additionalProperties: false }),
  Type.Null(),
]);

export const ErasureAccepted = Type.Object({
  request_id: Type.String(),
  state: RequestView.properties.state,
  status_url: Type.String({
    description: 'Where to follow it (also the Location header)',
    examples: ['/api/gdpr/requests/gdpr_4f1c2a9b7e3d5a6c8b0e'],
  }),
  received_at: RequestView.properties.received_at,
});
export type ErasureAccepted = Static<typeof ErasureAccepted>;

export interface ErasureRouteHooks {
  /** Records the request (or finds the customer's existing one) and starts its cascade: the daemon's erasure worker. */
  erase(input: { customer_id: string; reason: string }): Promise<ApiErasure>;
  /** Everything held about the customer (subject access, the same op as `gdpr export`). */
  exportCustomer(input: { customer_id: string }): Promise<SubjectAccess>;
}

const statusUrl = (id: string): string => `/api/gdpr/requests/${encodeURIComponent(id)}`;

export const customerErasureRoutes =
  (hooks: ErasureRouteHooks): FastifyPluginAsyncTypebox<{ ctx: Ctx }> =>
  async (app, { ctx }) => {
    app.delete(
      '/api/customers/:customer_id',
      {
        config: { scope: 'erp:gdpr' },
        schema: {
          summary: 'Erase a customer from Support (GDPR cascade); idempotent per customer',
          params: Type.Object({
            customer_id: Type.String({ minLength: 1, maxLength: 200, examples: ['C-123'] }),
          }),
          querystring: Type.Object(
            { gdpr_reason: Type.Optional(Reason) },
            { additionalProperties: false },
          ),
          body: ReasonBody,
          response: { 200: ErasureAccepted, 202: ErasureAccepted, ...problemResponses },
        },
      },
      async (req, reply) => {
        const reason = req.body?.gdpr_reason ?? req.query.gdpr_reason ?? DEFAULT_GDPR_REASON;
        const { view, created } = await hooks.erase({
          customer_id: req.params.customer_id,
          reason,
        });
        // The audit log names the request, never the erased customer.
        req.auditResource = view.request_id;
        const url = statusUrl(view.request_id);
        reply.header('location', url);
        const body: ErasureAccepted = {
          request_id: view.request_id,
          state: view.state,
          status_url: url,
          received_at: view.received_at,
        };
        if (!created) return reply.code(200).header('idempotent-replayed', 'true').send(body);
        return reply.code(202).send(body);
      },
    );

    app.get(
      '/api/customers/:customer_id/export',
      {
        config: { scope: 'erp:gdpr' },
        schema: {
          summary:
            'Everything held about a customer in every system the erasure reaches (GDPR art. 15), as one document',
          params: Type.Object({
            customer_id: Type.String({ minLength: 1, maxLength: 200, examples: ['C-123'] }),
          }),
          response: { 200: SubjectAccess, ...problemResponses },
        },
      },
      async (req) => {
        const doc = await hooks.exportCustomer({ customer_id: req.params.customer_id });
        // The audit log names the customer by their keyed hash, as the export's own row does.
        req.auditResource = exportResource(
          customerHash(await receiptKey(ctx), req.params.customer_id),
        );
        return doc;
      },
    );

    app.get(
      '/api/gdpr/requests/:request_id',
      {
        config: {
          scope: 'erp:gdpr',
          auditResource: (req) => (req.params as { request_id: string }).request_id,
        },
        schema: {
          summary: 'An erasure request and each step of its cascade',
          params: Type.Object({ request_id: RequestId }),
          response: { 200: RequestView, ...problemResponses },
        },
      },
      async (req) =>
        (await erasureStatus(ctx, { request_id: req.params.request_id }))[0] as RequestView,
    );
  };
