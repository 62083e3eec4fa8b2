import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../context/context.js';
import { IdParam, OrderArrival, OrderStatus } from '../../erp/erp.schema.js';
import { orderArrival, orderStatus } from '../../erp/orders.js';
import { problemResponses } from '../problem.js';

export const orderRoutes: FastifyPluginAsyncTypebox<{ ctx: Ctx }> = async (app, { ctx }) => {
  const auditResource = (req: { params: unknown }) => (req.params as { order_id: string }).order_id;
  app.get(
    '/api/orders/:order_id/status',
    {
      config: { scope: 'support:read', auditResource },
      schema: {
        summary: 'An order and its items (seed 2.3)',
        params: IdParam('order_id', 'O-2025-0456'),
        response: { 200: OrderStatus, ...problemResponses },
      },
    },
    async (req) => orderStatus(ctx, req.params.order_id as string),
  );

  app.get(
    '/api/orders/:order_id/estimated-arrival',
    {
      config: { scope: 'support:read', auditResource },
      schema: {
        summary: 'When an order is expected (seed 2.3)',
        params: IdParam('order_id', 'O-2025-0456'),
        response: { 200: OrderArrival, ...problemResponses },
      },
    },
    async (req) => orderArrival(ctx, req.params.order_id as string),
  );
};
