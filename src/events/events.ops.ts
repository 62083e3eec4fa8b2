import { Type } from '@sinclair/typebox';
import { defineOp } from '../ops/op.js';
import {
  EventDetail,
  EventIdInput,
  EventStats,
  PublishInput,
  PublishResult,
} from './events.schema.js';
import { eventStats, getEventDetail, publishEvent } from './events.service.js';

export const eventsPublish = defineOp({
  name: 'events.publish',
  summary: 'Publish an event for Support (idempotent on its id)',
  mutates: true,
  changes: ['events'],
  published: (o) => (o.replayed ? [] : [o.event]),
  input: PublishInput,
  output: PublishResult,
  resourceOf: (i, o) => o.event?.id ?? i.id,
  run: (ctx, input) => publishEvent(ctx, input, 'cli'),
});

export const eventsShow = defineOp({
  name: 'events.show',
  summary: 'One event with its payload and every delivery attempt',
  mutates: false,
  input: EventIdInput,
  output: EventDetail,
  run: (ctx, i) => getEventDetail(ctx, i.id),
});

export const eventsStats = defineOp({
  name: 'events.stats',
  summary: 'Queue depth, DLQ depth and the oldest pending event',
  mutates: false,
  input: Type.Object({}),
  output: EventStats,
  run: (ctx) => eventStats(ctx),
});

export const EVENTS_OPS = [eventsPublish, eventsShow, eventsStats];
