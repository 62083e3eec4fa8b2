import { Type } from '@sinclair/typebox';
import { defineOp } from '../ops/op.js';
import { PruneResult, RetentionView } from './retention.schema.js';
import { pruneExpired, retentionView } from './retention.service.js';

export const retentionShow = defineOp({
  name: 'retention.show',
  summary: 'What is held of each kind of record, for how long, and when the oldest goes',
  mutates: false,
  input: Type.Object({}),
  output: RetentionView,
  run: (ctx) => retentionView(ctx),
});

export const retentionPrune = defineOp({
  name: 'retention.prune',
  summary: 'Delete now what is past its retention period (the daemon does it by itself)',
  mutates: true,
  changes: ['events', 'gdpr'],
  input: Type.Object({}),
  output: PruneResult,
  run: (ctx) => pruneExpired(ctx),
});

export const RETENTION_OPS = [retentionShow, retentionPrune];
