import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { readThrough } from '../../cache/read-through.js';
import type { Ctx } from '../../context/context.js';
import { bookAppointment } from '../../erp/appointments.js';
import { Appointment, AppointmentRequest, IdParam, WorklogStatus } from '../../erp/erp.schema.js';
import { worklogStatus } from '../../erp/worklogs.js';
import { problemResponses } from '../problem.js';

export const serviceRoutes: FastifyPluginAsyncTypebox<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/service/worklogs/:worklog_id/status',
    {
      config: {
        scope: 'support:read',
        auditResource: (req) => (req.params as { worklog_id: string }).worklog_id,
      },
      schema: {
        summary: 'A repair worklog with its status in Hungarian (seed 4.2)',
        params: IdParam('worklog_id', 'M-2025-0123'),
        response: { 200: WorklogStatus, ...problemResponses },
      },
    },
    async (req) => {
      const id = req.params.worklog_id as string;
      return readThrough(ctx, { kind: 'worklog', lookup: id }, async () => {
        const value = await worklogStatus(ctx, id);
        return { value, owner: { customer: value.customer.id } };
      });
    },
  );

  app.post(
    '/api/service/appointments',
    {
      config: { scope: 'support:appointments' },
      schema: {
        summary: 'Book a service appointment; honours Idempotency-Key',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: AppointmentRequest,
        response: { 200: Appointment, 201: Appointment, ...problemResponses },
      },
    },
    async (req, reply) => {
      const result = await bookAppointment(ctx, req.body, {
        keyId: req.apiKey?.id ?? 'anonymous',
        idempotencyKey: req.headers['idempotency-key'],
      });
      req.auditResource = result.appointment.appointment_id;
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      reply.header('location', `/api/service/appointments/${result.appointment.appointment_id}`);
      return reply.code(201).send(result.appointment);
    },
  );
};
