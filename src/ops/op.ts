/**
 * An operation: one business function with its input and output schemas. The
 * admin API serves every operation and the CLI runs them, either through a running
 * daemon's admin API or in-process over the store: one business layer, two doors.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Ctx } from '../context/context.js';

/**
 * What an operation changes, declared so that a running daemon reacts to the
 * declaration (never to the operation's name): `keys` drops the key cache, `module`
 * re-reads the switch, `events` wakes the dispatcher. The others name state no
 * daemon holds in memory today (a reaction added later finds them declared).
 */
export const OP_CHANGES = [
  'keys',
  'module',
  'events',
  'webhook_secrets',
  'gdpr',
  'erp',
  'admin_credentials',
] as const;
export type OpChange = (typeof OP_CHANGES)[number];

/** State a daemon buffers that an operation reads: `audit` makes it flush its audit rows first. */
export const OP_READS = ['audit'] as const;
export type OpRead = (typeof OP_READS)[number];

/** An event an operation published, for the daemon's counters. */
export interface PublishedEvent {
  readonly event: string;
  readonly status: string;
}

export interface Op<I extends TSchema = TSchema, O extends TSchema = TSchema> {
  /** "keys.create": capability, dot, verb. */
  readonly name: string;
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  /** Changes state: recorded in the audit log as an admin action. */
  readonly mutates: boolean;
  /** What it changes (every mutating operation names at least one; test/unit/op-contracts.test.ts). */
  readonly changes?: readonly OpChange[];
  /** Daemon-buffered state it reads (flushed before it runs). */
  readonly reads?: readonly OpRead[];
  /** The events it newly published, from its output (counted by the daemon as source "cli"). */
  published?(output: Static<O>): readonly PublishedEvent[];
  /** The audit row's resource id, from the input and the output. */
  resourceOf?(input: Static<I>, output: Static<O>): string | undefined;
  run(ctx: Ctx, input: Static<I>): Promise<Static<O>>;
}

export function defineOp<I extends TSchema, O extends TSchema>(op: Op<I, O>): Op<I, O> {
  return op;
}

/** Erases the type parameters, for lists of operations. */
export type AnyOp = Op<TSchema, TSchema>;
