/**
 * Change notifications: a business function that changes state a running daemon
 * caches (keys, plugin state, …) calls `notifyChange` inside its transaction; the
 * daemon listens and refreshes. Works on both engines: on PGlite the daemon is
 * the only process, on PostgreSQL every daemon on the database hears it.
 */
import type { Db, Queryable } from '../context/db.js';

export const CHANGES_CHANNEL = 'kgc_support_changes';

export type ChangeTopic = 'keys' | 'plugin' | 'webhook_secrets' | 'events' | 'config' | 'cache';

export async function notifyChange(q: Queryable, topic: ChangeTopic, detail = ''): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [
    CHANGES_CHANNEL,
    detail ? `${topic}:${detail}` : topic,
  ]);
}

/** `onGap`: notifications may have been missed (see Db.listen); refresh what they would have told. */
export async function onChange(
  db: Db,
  handler: (topic: ChangeTopic, detail: string) => void,
  onGap?: () => void,
): Promise<() => Promise<void>> {
  return db.listen(
    CHANGES_CHANNEL,
    (payload) => {
      const i = payload.indexOf(':');
      const topic = (i < 0 ? payload : payload.slice(0, i)) as ChangeTopic;
      handler(topic, i < 0 ? '' : payload.slice(i + 1));
    },
    onGap,
  );
}

/**
 * A daemon's reactions to change notifications, with a way to wait for them: after an
 * operation commits, `caughtUp` sends a marker on the same channel and resolves once
 * it is heard back (PostgreSQL delivers notifications in commit order, so every change
 * committed before has been heard by then) and the reactions started meanwhile have
 * settled. An operation served by this daemon thus sees its own effects (a revoked key
 * refused, the module switch re-read) through the one path every other change takes.
 */
export interface ChangeFeed {
  /** Calls `react` with the detail of each change to `topic`; a promise it returns is awaited by caughtUp. */
  on(topic: ChangeTopic, react: (detail: string) => void | Promise<void>): void;
  /** True once every change committed before the call has been reacted to; false after `timeoutMs` (the listener is away). */
  caughtUp(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const MARK = 'mark';

/** `onGap`: changes may have been missed (see Db.listen); whoever caches what they tell refreshes. */
export async function openChangeFeed(
  db: Db,
  onError: (topic: ChangeTopic, err: unknown) => void,
  onGap?: () => void,
): Promise<ChangeFeed> {
  const reactions = new Map<ChangeTopic, ((detail: string) => void | Promise<void>)[]>();
  const running = new Set<Promise<void>>();
  const marks = new Map<string, () => void>();
  let seq = 0;
  const unlisten = await onChange(
    db,
    (topic, detail) => {
      if ((topic as string) === MARK) return marks.get(detail)?.();
      for (const react of reactions.get(topic) ?? []) {
        const p = Promise.resolve()
          .then(() => react(detail))
          .catch((err: unknown) => onError(topic, err))
          .finally(() => running.delete(p));
        running.add(p);
      }
    },
    onGap,
  );
  const mark = `${process.pid}.${Date.now().toString(36)}`;
  return {
    on(topic, react) {
      reactions.set(topic, [...(reactions.get(topic) ?? []), react]);
    },
    async caughtUp(timeoutMs) {
      const id = `${mark}.${++seq}`;
      let timer: NodeJS.Timeout | undefined;
      const heard = new Promise<boolean>((resolve) => {
        marks.set(id, () => resolve(true));
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        const sent = await db
          .query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, `${MARK}:${id}`])
          .then(() => true)
          .catch(() => false);
        if (!sent || !(await heard)) return false;
        await Promise.all([...running]);
        return true;
      } finally {
        clearTimeout(timer);
        marks.delete(id);
      }
    },
    close: unlisten,
  };
}
