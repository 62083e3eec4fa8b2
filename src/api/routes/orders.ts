import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readThrough } from '../../cache/read-through.js';
import type { Ctx } from '../../context/context.js';
import { IdParam, OrderArrival, OrderStatus } from '../../erp/erp.schema.js';
import { orderArrivalOwned, orderStatusOwned } from '../../erp/orders.js';
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
    async (req) => {
      const id = req.params.order_id as string;
      return readThrough(ctx, { kind: 'order-status', lookup: id }, () =>
        orderStatusOwned(ctx, id),
      );
    },
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
    async (req) => {
      const id = req.params.order_id as string;
      return readThrough(ctx, { kind: 'order-arrival', lookup: id }, () =>
        orderArrivalOwned(ctx, id),
      );
    },
  );
};
