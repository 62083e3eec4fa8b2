import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readThrough } from '../../cache/read-through.js';
import type { Ctx } from '../../context/context.js';
import { InventoryCheck, InventoryQuery } from '../../erp/erp.schema.js';
import { checkInventory } from '../../erp/inventory.js';
import { problemResponses } from '../problem.js';

export const inventoryRoutes: FastifyPluginAsyncTypebox<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/inventory/check',
    {
      config: {
        scope: 'support:read',
        auditResource: (req) => (req.query as { sku?: string }).sku,
      },
      schema: {
        summary: 'Stock of a product per location (seed 2.3)',
        querystring: InventoryQuery,
        response: { 200: InventoryCheck, ...problemResponses },
      },
    },
    async (req) =>
      readThrough(
        ctx,
        { kind: 'inventory', lookup: `${req.query.sku}|${req.query.location?.trim() ?? ''}` },
        async () => ({
          value: await checkInventory(ctx, req.query),
          owner: { sku: req.query.sku },
        }),
      ),
  );
};
