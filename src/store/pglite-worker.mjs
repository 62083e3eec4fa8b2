// @ts-check
/**
 * The embedded engine's thread (see pglite-thread.ts, which starts it): PGlite runs
 * here so that its query execution never holds the daemon's event loop. It serves one
 * message at a time per request id and keeps PGlite's own semantics: one connection,
 * a transaction holds it until its end message, a query outside waits for the end.
 *
 * Plain JavaScript on purpose: a worker thread loads this file as it is, both from
 * dist/ and from src/ under the test runner, which cannot hand a worker TypeScript.
 * The message shapes are typed in pglite-thread.ts; keep the two in step.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/** The same parsers as pg-types.ts (OID: int8 20, numeric 1700, date 1082): functions cannot cross threads. */
const parsers = {
  20: (/** @type {string} */ v) => Number(v),
  1700: (/** @type {string} */ v) => Number(v),
  1082: (/** @type {string} */ v) => v,
};

/** The fields of a PostgreSQL error the callers read (code, detail, constraint, …). */
const ERROR_FIELDS = [
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'routine',
];

/** @param {unknown} err */
function plainError(err) {
  const e = /** @type {Record<string, unknown>} */ (
    err instanceof Error ? err : { message: String(err) }
  );
  /** @type {Record<string, unknown>} */
  const out = { name: e.name ?? 'Error', message: e.message ?? String(err) };
  for (const f of ERROR_FIELDS) if (e[f] !== undefined) out[f] = e[f];
  return out;
}

const port = parentPort;
if (!port) throw new Error('pglite-worker.mjs runs only as a worker thread');
const data = /** @type {{ dataDir?: string, image?: Blob, settings: string[] }} */ (workerData);

// PostgreSQL's 9 MB of WebAssembly run as V8's baseline compiler (Liftoff) makes them, and
// are not tiered up: the optimising compiler's work left 50-65 MB of the process's memory
// behind for about 15 % less CPU per statement (BENCHMARKS.md, "Where the embedded store's
// memory goes"). Set before the module is compiled, which happens just below.
setFlagsFromString('--liftoff-only');

const pg = await PGlite.create(data.dataDir, {
  extensions: { pg_trgm, unaccent },
  parsers,
  // The same start parameters as pglite-settings.ts builds for an engine in the main thread.
  startParams: [...PGlite.defaultStartParams, ...data.settings.flatMap((c) => ['-c', c])],
  ...(data.image ? { loadDataDir: data.image } : {}),
});

/** Open transactions by id: the handle PGlite gave, and how to end it. */
/** @type {Map<number, { tx: import('@electric-sql/pglite').Transaction, end: (commit: boolean) => void }>} */
const open = new Map();
/** Unsubscribe functions of LISTENs, by channel. */
/** @type {Map<string, () => Promise<void>>} */
const listening = new Map();
/** The end message waiting for each transaction's outcome. */
/** @type {Map<number, number>} */
const ends = new Map();
let nextTx = 1;

/** @param {number} txId */
function takeEnd(txId) {
  const id = ends.get(txId);
  ends.delete(txId);
  return id;
}
const ROLLBACK = Symbol('rollback');

/** @param {number | undefined} tx */
function target(tx) {
  if (tx === undefined) return pg;
  const t = open.get(tx);
  if (!t) throw new Error(`transaction ${tx} is not open`);
  return t.tx;
}

/**
 * Starts a transaction and answers `id` with its number once BEGIN ran; the outcome
 * of COMMIT (or ROLLBACK) answers the end message. A BEGIN that fails answers `id`.
 * @param {number} id
 */
function begin(id) {
  const txId = nextTx++;
  let started = false;
  pg.transaction(async (tx) => {
    started = true;
    const commit = await new Promise((resolve) => {
      open.set(txId, { tx, end: resolve });
      port?.postMessage({ id, tx: txId });
    });
    if (!commit) throw ROLLBACK;
  }).then(
    () => port?.postMessage({ id: takeEnd(txId), ok: true }),
    (err) => {
      open.delete(txId);
      if (!started) port?.postMessage({ id, error: plainError(err) });
      else if (err === ROLLBACK) port?.postMessage({ id: takeEnd(txId), ok: true });
      else port?.postMessage({ id: takeEnd(txId), error: plainError(err) });
    },
  );
  return txId;
}

/**
 * Ends transaction `txId`: commit or roll back; `id` gets the outcome.
 * @param {number} id @param {number | undefined} txId @param {boolean} commit
 */
function end(id, txId, commit) {
  const t = txId === undefined ? undefined : open.get(txId);
  if (!t || txId === undefined) throw new Error(`transaction ${txId} is not open`);
  open.delete(txId);
  ends.set(txId, id);
  t.end(commit);
}

/**
 * @param {{ id: number, op: string, sql?: string, params?: unknown[], tx?: number, channel?: string, commit?: boolean }} m
 */
async function handle(m) {
  switch (m.op) {
    case 'query': {
      const res = await target(m.tx).query(m.sql ?? '', m.params ?? []);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    }
    case 'exec':
      await target(m.tx).exec(m.sql ?? '');
      return {};
    case 'begin':
      begin(m.id);
      return undefined; // answered once BEGIN ran
    case 'end':
      end(m.id, m.tx, m.commit === true);
      return undefined; // answered once COMMIT (or ROLLBACK) ran
    case 'listen': {
      const channel = m.channel ?? '';
      if (!listening.has(channel))
        listening.set(
          channel,
          await pg.listen(channel, (payload) => port?.postMessage({ channel, payload })),
        );
      return {};
    }
    case 'unlisten': {
      const channel = m.channel ?? '';
      const unsub = listening.get(channel);
      listening.delete(channel);
      await unsub?.();
      return {};
    }
    case 'memory': {
      // The WebAssembly heap (PostgreSQL's shared and local memory) never shrinks; PGlite keeps its module protected.
      const mod = /** @type {{ mod?: { HEAPU8?: Uint8Array } }} */ (/** @type {unknown} */ (pg))
        .mod;
      const heap = getHeapStatistics();
      return {
        memory: {
          wasm: mod?.HEAPU8?.byteLength ?? 0,
          js_heap: heap.used_heap_size,
          js_heap_total: heap.total_heap_size,
        },
      };
    }
    case 'close':
      await pg.close();
      return {};
    default:
      throw new Error(`unknown message ${m.op}`);
  }
}

port.on('message', (m) => {
  handle(m).then(
    (res) => {
      if (res !== undefined) port.postMessage({ id: m.id, ...res });
      if (m.op === 'close') port.close();
    },
    (err) => port.postMessage({ id: m.id, error: plainError(err) }),
  );
});
port.postMessage({ ready: true });
