/**
 * GET /api/support/health: the Support module's state as this daemon sees it (seed
 * 3.2: the ERP asks it periodically), with what the store knows: queue, DLQ, keys
 * about to expire, the webhook secret's age. Any valid API key may ask (the ERP's
 * erp:publish key, the Support system's support:read key, admin); it is not closed by
 * the module switch, since DISABLED is one of its answers. Always 200: the state is in
 * the body (monitoring reads `kgc-support health` or /metrics).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Ctx } from '../../context/context.js';
import { readHealthFacts } from '../../health/facts.service.js';
import { SupportHealth, type LifecycleView } from '../../health/health.schema.js';
import { ANY_KEY } from '../auth.js';
import { problemResponses } from '../problem.js';

export const supportHealthRoutes =
  (lifecycle: () => LifecycleView): FastifyPluginAsyncTypebox<{ ctx: Ctx }> =>
  async (app, { ctx }) => {
    app.get(
      '/api/support/health',
      {
        config: { scope: ANY_KEY },
        schema: {
          summary: "The Support module's lifecycle state and the health facts of the store",
          querystring: Type.Object({
            key_expiry_within: Type.Optional(
              Type.String({
                pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d|w)?$',
                description: 'Window of keys_expiring (default KGC_SUPPORT_HEALTH_KEY_EXPIRY)',
              }),
            ),
          }),
          response: { 200: SupportHealth, ...problemResponses },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        const facts = await readHealthFacts(
          ctx,
          req.query.key_expiry_within === undefined
            ? {}
            : { key_expiry_within: req.query.key_expiry_within },
        );
        return { lifecycle: lifecycle(), facts };
      },
    );
  };
