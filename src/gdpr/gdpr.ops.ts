/**
 * The erasure cascade's operations, for the admin API and the CLI. Each run builds
 * its dependencies (Chatwoot, Redis, the dispatcher port) from the configuration
 * and closes them after; `makeGdprOps` lets a test give its own.
 */
import { Type } from '@sinclair/typebox';
import type { Ctx } from '../context/context.js';
import { defineOp, type AnyOp } from '../ops/op.js';
import { createErasureDeps, type DepsFactory, type ErasureDeps } from './deps.js';
import { exportCustomer } from './export.js';
import {
  DeleteInput,
  ExportInput,
  Plan,
  PlanInput,
  Receipt,
  RequestIdInput,
  RequestView,
  StatusInput,
  SubjectAccess,
} from './gdpr.schema.js';
import {
  erasureReceipt,
  erasureStatus,
  planErasure,
  requestErasure,
  resumeErasure,
} from './gdpr.service.js';

export function makeGdprOps(makeDeps: DepsFactory) {
  const withDeps = async <T>(ctx: Ctx, fn: (deps: ErasureDeps) => Promise<T>): Promise<T> => {
    const deps = makeDeps(ctx);
    try {
      return await fn(deps);
    } finally {
      await deps.close();
    }
  };
  return {
    delete: defineOp({
      name: 'gdpr.delete',
      summary: 'Erase a customer from every system (recorded, then each step run and verified)',
      mutates: true,
      changes: ['gdpr', 'erp', 'events'],
      input: DeleteInput,
      output: RequestView,
      resourceOf: (_i, o) => o?.request_id,
      run: (ctx, i) => withDeps(ctx, (deps) => requestErasure(ctx, deps, i)),
    }),
    plan: defineOp({
      name: 'gdpr.plan',
      summary: 'What an erasure would delete in each system (a dry run: touches nothing)',
      mutates: false,
      input: PlanInput,
      output: Plan,
      run: (ctx, i) => withDeps(ctx, (deps) => planErasure(ctx, deps, i)),
    }),
    resume: defineOp({
      name: 'gdpr.resume',
      summary: 'Continue an erasure request from its first unfinished step',
      mutates: true,
      changes: ['gdpr', 'erp', 'events'],
      input: RequestIdInput,
      output: RequestView,
      resourceOf: (i) => i.request_id,
      run: (ctx, i) => withDeps(ctx, (deps) => resumeErasure(ctx, deps, i.request_id)),
    }),
    status: defineOp({
      name: 'gdpr.status',
      summary: 'Erasure requests and their steps',
      mutates: false,
      input: StatusInput,
      output: Type.Array(RequestView),
      run: erasureStatus,
    }),
    export: defineOp({
      name: 'gdpr.export',
      summary:
        'Everything held about a customer in every system the erasure reaches (GDPR art. 15); audited by keyed hash',
      // Changes nothing; its audit row (by the customer's keyed hash) is written by the export itself.
      mutates: false,
      input: ExportInput,
      output: SubjectAccess,
      run: (ctx, i) => withDeps(ctx, (deps) => exportCustomer(ctx, deps, i)),
    }),
    receipt: defineOp({
      name: 'gdpr.receipt',
      summary: 'The proof of an erasure, without personal data',
      mutates: false,
      input: RequestIdInput,
      output: Receipt,
      run: (ctx, i) => erasureReceipt(ctx, i.request_id),
    }),
  };
}

export const gdprOps = makeGdprOps((ctx) => createErasureDeps(ctx));

export const GDPR_OPS: readonly AnyOp[] = Object.values(gdprOps);
