/**
 * What a running daemon does around an admin operation, decided by what the
 * operation declares (Op.changes, Op.reads, Op.published), never by its name: a
 * new operation that changes keys is covered by saying so.
 */
import type { AdminDeps } from '../admin/server.js';
import type { AnyOp, PublishedEvent } from '../ops/op.js';

export interface OpReactions {
  /** Before an operation that reads the audit log: write out the buffered rows. */
  flushAudit(): Promise<void>;
  /** API keys changed: drop the key cache at once. */
  keysChanged(): void;
  /** The module switch changed: re-read it (and hold or resume deliveries). */
  moduleChanged(): Promise<void>;
  /** Events were queued or replayed: wake the dispatcher. */
  eventsQueued(): void;
  /** An event the operation published, for the counters. */
  published(e: PublishedEvent): void;
}

export function opHooks(r: OpReactions): Required<Pick<AdminDeps, 'beforeOp' | 'afterOp'>> {
  return {
    beforeOp: async (op: AnyOp) => {
      if (op.reads?.includes('audit')) await r.flushAudit();
    },
    afterOp: async (op: AnyOp, output: unknown) => {
      const changes = new Set(op.changes ?? []);
      if (changes.has('keys')) r.keysChanged();
      if (changes.has('module')) await r.moduleChanged();
      for (const e of op.published?.(output) ?? []) r.published(e);
      if (changes.has('events')) r.eventsQueued();
    },
  };
}
