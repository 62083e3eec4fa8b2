import { Value } from '@sinclair/typebox/value';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { registerFormats } from '../ops/formats.js';
import type { AnyOp } from '../ops/op.js';
import { recordAdminAction } from '../audit/audit.service.js';

registerFormats();

/** A JSON path for a message: "/key/id" → "key.id". */
const dotted = (path: string | undefined, whole: string): string =>
  path ? path.replace(/^\//, '').replace(/\//g, '.') : whole;

/**
 * An operation's answer as its declared output schema has it: the JSON the admin
 * socket carries (dates as strings, no undefined), without a field the schema does
 * not declare, so nothing undeclared leaks through either door. An answer outside
 * the schema is a bug in the operation: 500 `internal`, naming the field.
 */
export function shapeOutput(op: AnyOp, output: unknown): unknown {
  const wire: unknown = output === undefined ? null : JSON.parse(JSON.stringify(output));
  const clean: unknown = Value.Clean(op.output, wire);
  if (!Value.Check(op.output, clean)) {
    const first = Value.Errors(op.output, clean).First();
    throw new KgcError(
      'internal',
      `${op.name} answered outside its output schema: ${dotted(first?.path, 'output')} ${first?.message ?? 'is invalid'}`,
    );
  }
  return clean;
}

/**
 * Validates the input, runs the operation, shapes its answer by the output schema
 * and, for one that changes state, writes an admin row to the audit log (also when
 * it fails). The admin API and the in-process CLI both come through here.
 */
export async function executeOp(ctx: Ctx, op: AnyOp, rawInput: unknown): Promise<unknown> {
  const input = Value.Default(op.input, Value.Clone(rawInput ?? {}));
  if (!Value.Check(op.input, input)) {
    const first = Value.Errors(op.input, input).First();
    const where = dotted(first?.path, 'input');
    throw new KgcError('bad_request', `${op.name}: ${where} ${first?.message ?? 'is invalid'}`);
  }
  const started = performance.now();
  try {
    const output = shapeOutput(op, await op.run(ctx, input));
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
        resourceId: op.resourceOf?.(input, {}),
        status,
        latencyMs: performance.now() - started,
      }).catch(() => {});
    }
    throw err;
  }
}
