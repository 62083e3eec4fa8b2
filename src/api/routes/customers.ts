import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { readThrough } from '../../cache/read-through.js';
import type { Ctx } from '../../context/context.js';
import { customerByPhone, findDuplicates } from '../../erp/customers.js';
import { CustomerSummary, Duplicates, DuplicatesQuery } from '../../erp/erp.schema.js';
import { normalizePhone } from '../../erp/phone.js';
import { problemResponses } from '../problem.js';

export const customerRoutes: FastifyPluginAsyncTypebox<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/customers/by-phone/:phone',
    {
      config: { scope: 'support:read' },
      schema: {
        summary: 'The customer behind a phone number (seed 2.4)',
        params: Type.Object({
          phone: Type.String({ minLength: 1, maxLength: 40, examples: ['+36301234567'] }),
        }),
        response: { 200: CustomerSummary, ...problemResponses },
      },
    },
    async (req) => {
      // Normalised first: a bad number is refused before the cache, and every spelling shares one entry.
      const phone = normalizePhone(req.params.phone);
      const customer = await readThrough(ctx, { kind: 'by-phone', lookup: phone }, async () => {
        const value = await customerByPhone(ctx, phone);
        return { value, owner: { customer: value.customer_id } };
      });
      // The audit log keeps the customer id, never the phone number that was asked for.
      req.auditResource = customer.customer_id;
      return customer;
    },
  );

  app.get(
    '/api/customers/duplicates',
    {
      config: { scope: 'support:read' },
      schema: {
        summary: 'Possible duplicates by fuzzy name and exact phone',
        querystring: DuplicatesQuery,
        response: { 200: Duplicates, ...problemResponses },
      },
    },
    async (req) => findDuplicates(ctx, req.query),
  );
};
