/**
 * The one database interface the rest of the code sees, a port of the context (Ctx
 * holds two). Two engines in src/store implement it: PGlite (embedded, one connection
 * per process) and PostgreSQL (a pg pool). Both return the same JavaScript types:
 * int8 and numeric as number, date as 'YYYY-MM-DD' text, timestamptz as Date
 * (store/pg-types.ts).
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type DbKind = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly kind: DbKind;
  /** A short description without secrets, for logs and `doctor`. */
  readonly label: string;
  /**
   * Runs `fn` in one transaction. Use only the handle it receives inside: on
   * PGlite, a query on the outer Db waits for the transaction and would deadlock.
   */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Calls `onPayload` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
