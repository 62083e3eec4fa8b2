/**
 * A backup file is acknowledged only once it is durable: written to a temporary file
 * beside its final name (same file system, owner-only), checked, fsync'd, renamed into
 * place, and the directory fsync'd so the rename survives a power cut too. A failure
 * on the way leaves no file under the final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KgcError } from '../errors/kgc-error.js';

export type StoreKind = 'postgres-container' | 'postgres' | 'pglite';

/** What `backup --json` prints, and what restore read. */
export interface BackupFacts {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly store: StoreKind;
}

/** pg_dump's custom format starts with these bytes. */
export const PG_DUMP_MAGIC = 'PGDMP';

/** 2026-12-02T00:53:07Z → 20261202T005307Z: sortable, no characters a shell or a file system minds. */
export function utcStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function fsyncPath(path: string, flags: 'r' | 'r+'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The first bytes of a file (format checks). */
export function headOf(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Runs `produce` into a temporary file next to `target`, then `check` on it, then
 * makes it durable under `target` (mode 0600). Returns its size and SHA-256.
 */
export async function writeDurably(
  target: string,
  store: StoreKind,
  produce: (tmp: string) => Promise<void>,
  check: (tmp: string) => void,
): Promise<BackupFacts> {
  return { ...(await writeFileDurably(target, produce, check)), store };
}

/** writeDurably for any file (a support bundle too): its path, size and SHA-256. */
export async function writeFileDurably(
  target: string,
  produce: (tmp: string) => Promise<void>,
  check: (tmp: string) => void = () => undefined,
): Promise<{ file: string; bytes: number; sha256: string }> {
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(
    dir,
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`,
  );
  // Created owner-only before a byte is written: a dump holds key hashes and the audit trail.
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    await produce(tmp);
    check(tmp);
    fsyncPath(tmp, 'r+');
    const bytes = statSync(tmp).size;
    const sha256 = await sha256Of(tmp);
    renameSync(tmp, target);
    fsyncPath(dir, 'r');
    return { file: target, bytes, sha256 };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The check every backup passes: something was written, and it starts as its format does. */
export function expectStart(tmp: string, magic: string, what: string): void {
  const head = headOf(tmp, magic.length).toString('latin1');
  if (statSync(tmp).size === 0 || head !== magic) {
    throw new KgcError(
      'internal',
      `the ${what} wrote ${statSync(tmp).size} byte(s) that are not a ${what} archive; nothing was kept`,
    );
  }
}
