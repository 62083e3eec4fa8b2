/**
 * The embedded store on a thread of its own: PGlite runs in a worker thread
 * (pglite-worker.mjs) and this side speaks to it by messages. A query's execution
 * (WASM, synchronous) then never holds the daemon's event loop, which keeps serving
 * HTTP, signing webhooks and answering cache hits on the other core meanwhile.
 *
 * Semantics are PGlite's own, unchanged: one connection; a transaction holds it
 * from BEGIN to its end and a query outside waits; an answer comes only once the
 * statement ran (a COMMIT's answer means committed). If the thread dies, every
 * waiting call fails and so does every later one: the engine is gone, and the
 * process must be restarted (`onExit` says so).
 */
import { Worker } from 'node:worker_threads';
import type { Db, EngineMemory, Queryable, QueryResult } from '../context/db.js';

/** What the worker answers: a result, a transaction's number, or an error's fields. */
interface Reply {
  id: number;
  rows?: unknown[];
  rowCount?: number;
  tx?: number;
  memory?: EngineMemory;
  error?: Record<string, unknown> & { message: string };
}

type Request =
  | { op: 'query'; sql: string; params: readonly unknown[]; tx?: number }
  | { op: 'exec'; sql: string; tx?: number }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'listen' | 'unlisten'; channel: string }
  | { op: 'memory' | 'close' };

export interface PgliteThreadOptions {
  /** The data directory; undefined for a store in memory. */
  readonly dataDir: string | undefined;
  /** A data directory image to start from (in memory only). */
  readonly image?: Blob;
  /** `-c name=value` settings for the engine, on top of PGlite's own start parameters. */
  readonly settings: readonly string[];
  readonly label: string;
  /** Called once if the thread stops without being closed (its error, or its exit code). */
  readonly onExit?: (err: Error) => void;
  /** The thread's script: pglite-worker.mjs (tests stand in one that dies). */
  readonly script?: URL;
}

const YOUNG_GENERATION_MB = 8;

/** An error as the worker described it: the message, name and PostgreSQL fields (code, detail, …). */
function revive(fields: Record<string, unknown> & { message: string }): Error {
  const err = new Error(fields.message);
  Object.assign(err, fields);
  return err;
}

export async function openPgliteThread(opts: PgliteThreadOptions): Promise<Db> {
  const worker = new Worker(opts.script ?? new URL('./pglite-worker.mjs', import.meta.url), {
    workerData: { dataDir: opts.dataDir, image: opts.image, settings: opts.settings },
    // The thread's young generation: V8 grows it to 48 MB under a steady stream of query
    // results; most die young, and a smaller nursery costs more frequent, cheap collections.
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let nextId = 1;
  let dead: Error | undefined;
  let closing = false;

  // The thread keeps the process alive only while a call waits on it, as an in-process engine would.
  const hold = (): void => {
    if (pending.size === 1) worker.ref();
  };
  const release = (): void => {
    if (pending.size === 0) worker.unref();
  };

  const fail = (err: Error): void => {
    if (dead) return;
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (!closing) opts.onExit?.(err);
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the embedded engine exited with ${code}`)));
    worker.on('message', function onReady(m: { ready?: boolean; error?: Reply['error'] }) {
      if (m.ready) {
        worker.off('message', onReady);
        resolve();
      }
    });
  });
  worker.on('message', (m: Reply | { channel: string; payload: string } | { ready: true }) => {
    if ('channel' in m) {
      for (const cb of listeners.get(m.channel) ?? []) cb(m.payload);
      return;
    }
    if (!('id' in m)) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    release();
    if (m.error) p.reject(revive(m.error));
    else p.resolve(m);
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`the embedded engine stopped (exit code ${code})`)));
  try {
    await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  worker.unref();

  const call = (req: Request): Promise<Reply> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      hold();
      worker.postMessage({ id, ...req });
    });
  };

  const on = (tx?: number): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const r = await call({ op: 'query', sql, params, ...(tx ? { tx } : {}) });
      return { rows: (r.rows ?? []) as R[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await call({ op: 'exec', sql, ...(tx ? { tx } : {}) });
    },
  });

  return {
    ...on(),
    kind: 'pglite',
    label: opts.label,
    async tx(fn) {
      const { tx } = await call({ op: 'begin' });
      if (tx === undefined) throw new Error('the embedded engine began no transaction');
      let result;
      try {
        result = await fn(on(tx));
      } catch (err) {
        await call({ op: 'end', tx, commit: false }).catch(() => {});
        throw err;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    async listen(channel, onPayload) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await call({ op: 'listen', channel });
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
        if (set.size === 0 && listeners.get(channel) === set) {
          listeners.delete(channel);
          if (!dead) await call({ op: 'unlisten', channel });
        }
      };
    },
    async engineMemory() {
      const { memory } = await call({ op: 'memory' });
      if (!memory) throw new Error('the embedded engine did not report its memory');
      return memory;
    },
    async close() {
      if (closing) return;
      closing = true;
      if (!dead) await call({ op: 'close' }).catch(() => {});
      await worker.terminate();
    },
  };
}
