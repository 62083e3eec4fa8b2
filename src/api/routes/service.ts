import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { readThrough } from '../../cache/read-through.js';
import type { Ctx } from '../../context/context.js';
import { bookAppointment, getAppointment } from '../../erp/appointments.js';
import { Appointment, AppointmentRequest, IdParam, WorklogStatus } from '../../erp/erp.schema.js';
import { worklogStatus } from '../../erp/worklogs.js';
import { problemResponses } from '../problem.js';
import { refuseUnknownFields } from '../strict-body.js';

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
      // The booking switch (kgc-support disable booking) closes this route alone.
      config: { scope: 'support:appointments', capability: 'booking' },
      preValidation: refuseUnknownFields(AppointmentRequest),
      schema: {
        summary:
          'Book a service appointment; honours Idempotency-Key. A field the schema does not name is a 400 unknown_field',
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

  // What POST's Location names. A read, so support:read (DESIGN 4: reads need support:read,
  // booking support:appointments): a key narrowed to reads, or a server with booking
  // switched off, still reads its appointments back; a booking-only key is not a thing
  // the installer issues (the chatbot's key holds both scopes).
  app.get(
    '/api/service/appointments/:appointment_id',
    {
      config: {
        scope: 'support:read',
        auditResource: (req) => (req.params as { appointment_id: string }).appointment_id,
      },
      schema: {
        summary:
          'One booked appointment, as POST answered it, with its status now (the Location of POST)',
        params: IdParam('appointment_id', 'A-2026-000001'),
        response: { 200: Appointment, ...problemResponses },
      },
    },
    async (req) => getAppointment(ctx, req.params.appointment_id as string),
  );
};
