/**
 * The embedded engine's PostgreSQL settings, passed as `-c` start parameters on top of
 * PGlite's own (they win over postgresql.conf, so existing data directories get them too).
 *
 * Memory, measured (BENCHMARKS.md, "Where the embedded store's memory goes"): PGlite
 * allocates PostgreSQL's shared memory inside its WebAssembly heap and touches all of
 * it at start, and a WebAssembly heap never shrinks. PostgreSQL's default of 128 MB
 * shared buffers was therefore 128 MB of resident memory from the first second. The
 * files are read through the operating system's page cache either way, so a smaller
 * pool costs a system call per page it misses, not a disk read.
 */
export const ENGINE_SETTINGS: readonly string[] = [
  // The buffer pool: hot index pages and the daemon's own tables fit; the rest is the OS page cache.
  'shared_buffers=16MB',
  // One backend (single-user mode): the per-connection shared structures need no room for 100.
  'max_connections=8',
  // Bounds what a CREATE INDEX or VACUUM may take from the heap that never gives it back.
  'maintenance_work_mem=16MB',
];

/** PGlite's start parameters with ours appended. */
export function engineStartParams(defaults: readonly string[]): string[] {
  return [...defaults, ...ENGINE_SETTINGS.flatMap((s) => ['-c', s])];
}

/** How logs and `doctor` name an embedded store. */
export const pgliteLabel = (dataDir: string | undefined): string =>
  dataDir === undefined ? 'pglite (memory)' : `pglite ${dataDir}`;
