/**
 * What a running daemon does around an admin operation, decided by what the
 * operation declares (Op.changes, Op.reads, Op.published), never by its name: a
 * new operation that changes keys is covered by saying so.
 *
 * The reactions to a change itself (drop the key cache, re-read the module switch,
 * wake the dispatcher, reload the signing secrets) come from the store's change
 * notifications, whoever made the change: the CLI in another process, another daemon,
 * or an operation served here. For the last, the answer waits until the daemon has
 * heard its own change (ChangeFeed.caughtUp), so that `keys revoke` returns only once
 * the key is refused; if the notification does not come back in time (the LISTEN
 * connection is away), the reactions run directly instead.
 */
import type { AdminDeps } from '../admin/server.js';
import type { AnyOp, PublishedEvent } from '../ops/op.js';

export interface OpReactions {
  /** Before an operation that reads the audit log: write out the buffered rows. */
  flushAudit(): Promise<void>;
  /** Resolves true once this daemon has reacted to every change committed so far. */
  caughtUp(timeoutMs: number): Promise<boolean>;
  /** The direct reactions, when caughtUp could not confirm: API keys changed. */
  keysChanged(): void;
  /** The module switch changed: re-read it (and hold or resume deliveries). */
  moduleChanged(): Promise<void>;
  /** Events were queued or replayed: wake the dispatcher. */
  eventsQueued(): void;
  /** An event the operation published, for the counters. */
  published(e: PublishedEvent): void;
}

/** The changes the daemon reacts to; any other change needs no wait. */
const REACTED_TO = new Set(['keys', 'module', 'events', 'webhook_secrets']);
const CAUGHT_UP_WITHIN_MS = 2_000;

export function opHooks(r: OpReactions): Required<Pick<AdminDeps, 'beforeOp' | 'afterOp'>> {
  return {
    beforeOp: async (op: AnyOp) => {
      if (op.reads?.includes('audit')) await r.flushAudit();
    },
    afterOp: async (op: AnyOp, output: unknown) => {
      for (const e of op.published?.(output) ?? []) r.published(e);
      const changes = new Set((op.changes ?? []).filter((c) => REACTED_TO.has(c)));
      if (changes.size === 0 || (await r.caughtUp(CAUGHT_UP_WITHIN_MS))) return;
      if (changes.has('keys')) r.keysChanged();
      if (changes.has('module')) await r.moduleChanged();
      if (changes.has('events')) r.eventsQueued();
    },
  };
}
