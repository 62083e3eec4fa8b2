import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../context/logger.js';
import { redactUrl } from '../config/config.js';
import type { Db, QueryResult } from '../context/db.js';
import { OID, parseDate, parseInt8, parseNumeric } from './pg-types.js';

const typeParsers: Record<number, (v: string) => unknown> = {
  [OID.INT8]: parseInt8,
  [OID.NUMERIC]: parseNumeric,
  [OID.DATE]: parseDate,
};

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (v: string) => unknown {
    const p = typeParsers[oid];
    if (p && format !== 'binary') return p;
    return pg.types.getTypeParser(oid, format ?? 'text') as (v: string) => unknown;
  },
};

/**
 * Parameterised statements are prepared once per connection under a name derived
 * from their text: the hot Pull API queries skip PostgreSQL's parse and plan.
 * All our SQL is static text, so the set of names stays small.
 */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `kgc_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    if (statementNames.size < 1000) statementNames.set(sql, name);
  }
  return name;
}

/** pg's per-query read timeout (not in its types); a falsy one means the pool's default. */
type TimedQuery = pg.QueryConfig & { query_timeout?: number };

/** No limit: the longest timer Node has (24 days), for scripts (migrations) that take what they take. */
const UNBOUNDED_MS = 2 ** 31 - 1;

function toQuery(sql: string, params: readonly unknown[], timeoutMs: number): TimedQuery {
  return params.length > 0
    ? { name: statementName(sql), text: sql, values: params as unknown[], query_timeout: timeoutMs }
    : { text: sql, query_timeout: timeoutMs };
}

export interface PostgresOptions {
  url: string;
  poolMax: number;
  logger: Logger;
  applicationName?: string;
  /** How long a connection may take, a new one or a free one of the pool (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Client-side limit of each statement (default none). A statement that has no answer by
   * then fails ("Query read timeout": store_unavailable) and its connection is dropped, so
   * a stalled database (connections open, no bytes) never holds a request for longer.
   * Scripts (exec: migrations) are not limited.
   */
  queryTimeoutMs?: number;
  /** Abandons the first connection while it is being made (a daemon stopped while it waits). */
  signal?: AbortSignal;
}

/** Connects once and ends, or fails: a stop (the signal) ends the attempt at once. */
async function probeConnection(opts: PostgresOptions): Promise<void> {
  const client = new pg.Client({
    connectionString: opts.url,
    application_name: opts.applicationName ?? 'kgc-support',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
  });
  client.on('error', () => {}); // the failure reaches us through connect()
  const stop = () => void client.end().catch(() => {});
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    if (opts.signal?.aborted) throw new Error('stopped before connecting');
    await client.connect();
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await client.end().catch(() => {});
  }
}

/**
 * A PostgreSQL-backed Db: a pool for queries and one dedicated connection for
 * LISTEN, reconnected with backoff and jitter when it drops.
 */
export async function openPostgres(opts: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    types,
    application_name: opts.applicationName ?? 'kgc-support',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // A peer that vanished without a FIN (a host down, a cable) is noticed by TCP keepalive.
    keepAlive: true,
  });
  pool.on('error', (err) =>
    opts.logger.warn({ err: err.message }, 'idle PostgreSQL connection failed'),
  );
  const qt = opts.queryTimeoutMs ?? UNBOUNDED_MS;
  // Fail fast with a clear error when the database is not reachable.
  try {
    await probeConnection(opts);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }

  const listeners = new Map<string, Set<(payload: string) => void>>();
  // Told when the LISTEN connection came back: what was notified meanwhile is lost.
  const gapListeners = new Set<() => void>();
  let everListened = false;
  let listenClient: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;

  const connectListener = async (): Promise<pg.Client> => {
    let attempt = 0;
    for (;;) {
      // A reconnect that outlives close() must not open a connection nobody ends (the
      // process would never exit).
      if (closed) throw new Error('the store is closed');
      const client = new pg.Client({
        connectionString: opts.url,
        types,
        application_name: 'kgc-support-listen',
      });
      try {
        await client.connect();
        client.on('notification', (n) => {
          const set = listeners.get(n.channel);
          if (set) for (const cb of set) cb(n.payload ?? '');
        });
        client.on('error', (err) => {
          opts.logger.warn({ err: err.message }, 'LISTEN connection lost; reconnecting');
          if (listenClient === client) listenClient = undefined;
          client.end().catch(() => {});
          // Rejects only once closed (it retries until then): nothing left to tell.
          if (!closed) void ensureListener().catch(() => {});
        });
        if (closed) throw new Error('the store is closed');
        for (const channel of listeners.keys())
          await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        listenClient = client;
        if (everListened) for (const gap of gapListeners) gap();
        everListened = true;
        return client;
      } catch (err) {
        await client.end().catch(() => {});
        if (closed) throw err;
        attempt++;
        const delay =
          Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)) * (0.8 + Math.random() * 0.4);
        opts.logger.warn(
          { err: (err as Error).message, attempt },
          'LISTEN connection failed; retrying',
        );
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  };
  const ensureListener = (): Promise<pg.Client> => {
    if (listenClient) return Promise.resolve(listenClient);
    connecting ??= connectListener().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    kind: 'postgres',
    label: `postgres ${redactUrl(opts.url)}`,
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      // A timed-out query releases its client with the error: the pool drops that connection.
      const res = await pool.query(toQuery(sql, params, qt));
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await pool.query(toQuery(sql, [], UNBOUNDED_MS));
    },
    async tx(fn) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: a connection reset while
      // the transaction waits between statements (the audit flush, the outbox drain
      // across two databases) would be an unhandled 'error' event and end the process.
      // Noted instead; the failure reaches the caller through its next statement, and
      // the client goes back with the error so that the pool discards it.
      let broken: Error | undefined;
      const onError = (err: Error): void => {
        broken ??= err;
        opts.logger.warn({ err: err.message }, 'PostgreSQL connection failed during a transaction');
      };
      client.on('error', onError);
      // A statement that timed out leaves the connection mid-answer: it is never reused.
      const timed = async <R>(q: TimedQuery): Promise<pg.QueryResult<R & pg.QueryResultRow>> => {
        try {
          return await client.query<R & pg.QueryResultRow>(q);
        } catch (err) {
          if ((err as Error).message === 'Query read timeout') broken ??= err as Error;
          throw err;
        }
      };
      try {
        await timed(toQuery('BEGIN', [], qt));
        const result = await fn({
          async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
            const res = await timed<R>(toQuery(sql, params, qt));
            return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
          },
          async exec(sql: string): Promise<void> {
            await timed(toQuery(sql, [], UNBOUNDED_MS));
          },
        });
        await timed(toQuery('COMMIT', [], qt));
        return result;
      } catch (err) {
        if (!broken)
          await timed(toQuery('ROLLBACK', [], qt)).catch((e: unknown) => {
            broken = e as Error;
          });
        throw err;
      } finally {
        // Released with an error, the client is destroyed; ours stays attached to it
        // so that an error on its way out is still handled.
        client.release(broken ?? false);
        if (!broken) client.off('error', onError);
      }
    },
    async listen(channel, onPayload, onGap) {
      let set = listeners.get(channel);
      const isNew = !set;
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(onPayload);
      if (onGap) gapListeners.add(onGap);
      const client = await ensureListener();
      if (isNew) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        set.delete(onPayload);
        if (onGap) gapListeners.delete(onGap);
        if (set.size === 0) {
          listeners.delete(channel);
          await listenClient?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
        }
      };
    },
    async close() {
      closed = true;
      const c = listenClient;
      listenClient = undefined;
      await c?.end().catch(() => {});
      await pool.end();
    },
  };
}
