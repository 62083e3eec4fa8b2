import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readThrough } from '../../cache/read-through.js';
import type { Ctx } from '../../context/context.js';
import { IdParam, RentalStatus } from '../../erp/erp.schema.js';
import { rentalStatusOwned } from '../../erp/rentals.js';
import { problemResponses } from '../problem.js';

export const rentalRoutes: FastifyPluginAsyncTypebox<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/rentals/:rental_id/status',
    {
      config: {
        scope: 'support:read',
        auditResource: (req) => (req.params as { rental_id: string }).rental_id,
      },
      schema: {
        summary: 'A rental and how many days it is late (seed 2.1)',
        params: IdParam('rental_id', 'R-2025-001'),
        response: { 200: RentalStatus, ...problemResponses },
      },
    },
    async (req) => {
      const id = req.params.rental_id as string;
      return readThrough(ctx, { kind: 'rental', lookup: id }, () => rentalStatusOwned(ctx, id));
    },
  );
};
