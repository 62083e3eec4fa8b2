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
  /**
   * Calls `onPayload` for each NOTIFY on `channel`; resolves to an unsubscribe function.
   * `onGap` is called when notifications may have been missed (PostgreSQL: the LISTEN
   * connection was lost and is back); the embedded engine never misses one.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onGap?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** The embedded engine's own memory, where it runs on a thread of ours (pglite-thread.ts). */
  engineMemory?(): Promise<EngineMemory>;
}

/** Bytes held by an embedded engine: its WebAssembly heap (never shrinks) and its thread's JavaScript heap. */
export interface EngineMemory {
  readonly wasm: number;
  readonly js_heap: number;
  readonly js_heap_total: number;
}
