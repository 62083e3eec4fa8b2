/**
 * The ERP's door for events (DESIGN.md 6): POST /api/events with scope erp:publish.
 * Not gated by the module switch: while Support is off the event is still recorded
 * (as skipped), so the ERP never has to know. The same id twice is one event:
 * 202 the first time, 200 with `idempotent-replayed: true` after.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Ctx } from '../../context/context.js';
import {
  EventInfo,
  PublishInput,
  EVENT_ID_PATTERN,
  type PublishResult,
} from '../../events/events.schema.js';
import { getEvent, publishEvent } from '../../events/events.service.js';
import type { EventOrigin } from '../../events/trace.js';
import { problemResponses } from '../problem.js';

export interface EventRouteHooks {
  /** After a new event is stored: metrics, and a nudge for the local dispatcher. */
  onPublished?: (e: EventInfo) => void;
  /** How to store one request's event; the daemon batches concurrent requests (IngestBatcher). */
  publish?: (input: PublishInput & { origin?: EventOrigin }) => Promise<PublishResult>;
}

export const eventRoutes =
  (hooks: EventRouteHooks = {}): FastifyPluginAsyncTypebox<{ ctx: Ctx }> =>
  async (app, { ctx }) => {
    const publish =
      hooks.publish ??
      ((input: PublishInput & { origin?: EventOrigin }) => publishEvent(ctx, input, 'api'));
    app.post(
      '/api/events',
      {
        config: { scope: 'erp:publish' },
        schema: {
          summary: 'Publish an event for Support; idempotent on its id',
          body: PublishInput,
          response: { 200: EventInfo, 202: EventInfo, ...problemResponses },
        },
      },
      async (req, reply) => {
        // The ERP's trace and this call's request id go with the event to every delivery.
        const traceparent = req.headers.traceparent;
        const { event, replayed } = await publish({
          ...req.body,
          origin: {
            traceparent: typeof traceparent === 'string' ? traceparent : null,
            requestId: String(req.id),
          },
        });
        req.auditResource = event.id;
        reply.header('location', `/api/events/${encodeURIComponent(event.id)}`);
        if (replayed) return reply.code(200).header('idempotent-replayed', 'true').send(event);
        hooks.onPublished?.(event);
        return reply.code(202).send(event);
      },
    );

    app.get(
      '/api/events/:event_id',
      {
        config: {
          scope: 'erp:publish',
          auditResource: (req) => (req.params as { event_id: string }).event_id,
        },
        schema: {
          summary: 'An event and how its delivery stands (pending, delivered, dead, skipped)',
          params: Type.Object({ event_id: Type.String({ pattern: EVENT_ID_PATTERN }) }),
          response: { 200: EventInfo, ...problemResponses },
        },
      },
      async (req) => getEvent(ctx, req.params.event_id),
    );
  };
