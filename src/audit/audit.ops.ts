import { Type } from '@sinclair/typebox';
import { defineOp } from '../ops/op.js';
import { AuditQuery, AuditRow } from './audit.schema.js';
import { queryAudit } from './audit.service.js';

export const auditQuery = defineOp({
  name: 'audit.query',
  summary: 'Read the audit log',
  mutates: false,
  reads: ['audit'],
  input: AuditQuery,
  output: Type.Array(AuditRow),
  run: queryAudit,
});

export const AUDIT_OPS = [auditQuery];
