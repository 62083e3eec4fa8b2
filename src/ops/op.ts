/**
 * An operation: one business function with its input and output schemas. The
 * admin API serves every operation and the CLI runs them, either through a running
 * daemon's admin API or in-process over the store: one business layer, two doors.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Ctx } from '../context/context.js';

export interface Op<I extends TSchema = TSchema, O extends TSchema = TSchema> {
  /** "keys.create": capability, dot, verb. */
  readonly name: string;
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  /** Changes state: recorded in the audit log as an admin action. */
  readonly mutates: boolean;
  /** The audit row's resource id, from the input and the output. */
  resourceOf?(input: Static<I>, output: Static<O>): string | undefined;
  run(ctx: Ctx, input: Static<I>): Promise<Static<O>>;
}

export function defineOp<I extends TSchema, O extends TSchema>(op: Op<I, O>): Op<I, O> {
  return op;
}

/** Erases the type parameters, for lists of operations. */
export type AnyOp = Op<TSchema, TSchema>;
