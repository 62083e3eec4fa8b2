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
