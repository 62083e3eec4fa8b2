import { Value } from '@sinclair/typebox/value';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import type { AnyOp } from '../ops/op.js';
import { recordAdminAction } from '../audit/audit.service.js';

/**
 * Validates the input, runs the operation and, for one that changes state, writes
 * an admin row to the audit log (also when it fails). The admin API and the
 * in-process CLI both come through here.
 */
export async function executeOp(ctx: Ctx, op: AnyOp, rawInput: unknown): Promise<unknown> {
  const input = Value.Default(op.input, Value.Clone(rawInput ?? {}));
  if (!Value.Check(op.input, input)) {
    const first = Value.Errors(op.input, input).First();
    const where = first?.path ? first.path.replace(/^\//, '').replace(/\//g, '.') : 'input';
    throw new KgcError('bad_request', `${op.name}: ${where} ${first?.message ?? 'is invalid'}`);
  }
  const started = performance.now();
  try {
    const output = await op.run(ctx, input);
    if (op.mutates) {
      await recordAdminAction(ctx, {
        action: op.name,
        resourceId: op.resourceOf?.(input, output),
        status: 200,
        latencyMs: performance.now() - started,
      });
    }
    return output;
  } catch (err) {
    if (op.mutates) {
      const status = err instanceof KgcError ? err.status : 500;
      await recordAdminAction(ctx, {
        action: op.name,
        resourceId: op.resourceOf?.(input, {} as never),
        status,
        latencyMs: performance.now() - started,
      }).catch(() => {});
    }
    throw err;
  }
}
