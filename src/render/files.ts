/**
 * Rendered files on disk: how they differ from what render would write, and writing
 * them so that an unchanged file is not touched (same bytes, same mtime), a changed one
 * is replaced atomically and durably (written beside, fsync'd, renamed, the directory
 * fsync'd: a power cut leaves the old file or the new one, never a torn one), and secret
 * files are never readable by others, not even for a moment.
 */
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { RenderedFile } from './render.js';

export type Drift = 'missing' | 'content' | 'mode';

export interface FileStatus {
  readonly path: string;
  /** Undefined: as render would write it. */
  readonly drift: Drift | undefined;
  /** The file's text now, when it exists. */
  readonly current: string | undefined;
  readonly mode: number | undefined;
}

function readCurrent(file: string): { text: string; mode: number } | undefined {
  try {
    return { text: readFileSync(file, 'utf8'), mode: statSync(file).mode & 0o777 };
  } catch {
    return undefined;
  }
}

export function compareFiles(dir: string, files: readonly RenderedFile[]): FileStatus[] {
  return files.map((f) => {
    const cur = readCurrent(join(dir, f.path));
    if (!cur) return { path: f.path, drift: 'missing', current: undefined, mode: undefined };
    const drift: Drift | undefined =
      cur.text !== f.content ? 'content' : cur.mode !== f.mode ? 'mode' : undefined;
    return { path: f.path, drift, current: cur.text, mode: cur.mode };
  });
}

export type WriteAction = 'created' | 'updated' | 'mode fixed' | 'unchanged';

export function writeFiles(
  dir: string,
  files: readonly RenderedFile[],
): { path: string; action: WriteAction }[] {
  const status = compareFiles(dir, files);
  return files.map((f, i) => {
    const s = status[i] as FileStatus;
    const target = join(dir, f.path);
    if (s.drift === undefined) return { path: f.path, action: 'unchanged' };
    if (s.drift === 'mode') {
      chmodSync(target, f.mode);
      return { path: f.path, action: 'mode fixed' };
    }
    writeFileDurably(target, f.content, f.mode);
    return { path: f.path, action: s.drift === 'missing' ? 'created' : 'updated' };
  });
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `target` with `content` (mode `mode`) atomically and durably; a failure leaves the old file. */
export function writeFileDurably(target: string, content: string, mode: number): void {
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode); // the umask may have taken bits away
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncPath(dir);
}
