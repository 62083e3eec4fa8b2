/**
 * The Db every caller gets from openStore: the engine's, with its store faults
 * (unreachable, disk full) answered as KgcErrors, and remembered for readiness.
 * A full disk shows only when a write needs a new page; `/ready` must not pass
 * right after one, so the last one is held for a while (and, for the embedded
 * store, the free space of its directory is looked at on every check).
 */
import { statfs } from 'node:fs/promises';
import type { Db, QueryResult } from '../context/db.js';
import { storeFaultOf, translateStoreError, type StoreFault } from './store-errors.js';

/** How long a disk-full write keeps `/ready` failing after it happened. */
export const DISK_FULL_HOLD_MS = 15_000;
/** Less free space than this under the embedded store's directory counts as full. */
export const MIN_FREE_BYTES = 1024 * 1024;

export interface StoreCheck {
  status: 'pass' | 'fail';
  detail?: string;
}

export interface StoreCondition {
  /** Notes a failed statement; store faults count, anything else is ignored. */
  note(err: unknown): void;
  /** What readiness reports about writes: fails while the disk is (recently) full. */
  check(): Promise<StoreCheck>;
  /** The last store fault seen, for logs and health. */
  last(): { fault: StoreFault; at: number; message: string } | undefined;
}

export function createStoreCondition(
  opts: { dir?: string | undefined; now?: () => number } = {},
): StoreCondition {
  const now = opts.now ?? Date.now;
  let last: { fault: StoreFault; at: number; message: string } | undefined;
  let lastFull: { at: number; message: string } | undefined;
  return {
    note(err) {
      const fault = storeFaultOf(err);
      if (!fault) return;
      const cause = (err as { cause?: unknown }).cause;
      const message = (cause instanceof Error ? cause : (err as Error)).message;
      last = { fault, at: now(), message };
      if (fault === 'storage_full') lastFull = { at: last.at, message };
    },
    async check() {
      if (opts.dir) {
        const free = await statfs(opts.dir).then(
          (s) => s.bavail * s.bsize,
          () => undefined,
        );
        if (free !== undefined && free < MIN_FREE_BYTES)
          return { status: 'fail', detail: `disk full: ${free} bytes free under ${opts.dir}` };
      }
      if (lastFull && now() - lastFull.at < DISK_FULL_HOLD_MS)
        return {
          status: 'fail',
          detail: `a write failed ${Math.round((now() - lastFull.at) / 1000)} s ago: ${lastFull.message}`,
        };
      return { status: 'pass' };
    },
    last: () => last,
  };
}

/** `db` with store faults translated and noted; everything else passes through. */
export function guardDb(db: Db, condition: StoreCondition): Db {
  const fail = (err: unknown): never => {
    condition.note(err);
    throw translateStoreError(err);
  };
  return {
    kind: db.kind,
    label: db.label,
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        return await db.query<R>(sql, params);
      } catch (err) {
        return fail(err);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await db.exec(sql);
      } catch (err) {
        fail(err);
      }
    },
    async tx(fn) {
      try {
        return await db.tx(fn);
      } catch (err) {
        return fail(err);
      }
    },
    async listen(channel, onPayload, onGap) {
      try {
        return await db.listen(channel, onPayload, onGap);
      } catch (err) {
        return fail(err);
      }
    },
    close: () => db.close(),
    ...(db.engineMemory ? { engineMemory: db.engineMemory.bind(db) } : {}),
  };
}
