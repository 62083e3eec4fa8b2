/**
 * Files that exist but this user may not read are said to be so, with the one fix,
 * never taken for missing ones: an operator who is not root must not be told to create
 * a franchise, render, or start a daemon that is there and runs. ENOENT (and ENOTDIR)
 * is "missing"; EACCES and EPERM are `permission_denied`, naming the file and its owner.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { KgcError } from '../errors/kgc-error.js';

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

export function isDenied(err: unknown): boolean {
  return code(err) === 'EACCES' || code(err) === 'EPERM';
}

function isMissing(err: unknown): boolean {
  return code(err) === 'ENOENT' || code(err) === 'ENOTDIR';
}

/** The owner of `path` (or of the nearest directory above it this user may look at). */
function ownerOf(path: string): number | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      return statSync(p).uid;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

/** `what` (e.g. "secrets.env") at `path` exists but cannot be read by this user. */
export function permissionDenied(path: string, what: string, cause?: unknown): KgcError {
  const uid = process.getuid?.();
  const owner = ownerOf(path);
  const who =
    owner === undefined ? '' : owner === 0 ? " (it is root's)" : ` (it is uid ${owner}'s)`;
  return new KgcError(
    'permission_denied',
    `${what} ${path} cannot be read by this user${uid === undefined ? '' : ` (uid ${uid})`}${who}: run the command as root (sudo) or as the user that owns it`,
    { cause, extras: { path } },
  );
}

/** The file's text, undefined when it does not exist; permission_denied when it cannot be read. */
export function readIfExists(path: string, what: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    if (isDenied(err)) throw permissionDenied(path, what, err);
    throw err;
  }
}

/** Whether `path` exists; permission_denied when this user cannot even tell. */
export function existsVisibly(path: string, what: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    if (isDenied(err)) throw permissionDenied(path, what, err);
    throw err;
  }
}

/** A directory's entries, [] when it does not exist; permission_denied when it cannot be listed. */
export function listIfExists(dir: string, what: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (isMissing(err)) return [];
    if (isDenied(err)) throw permissionDenied(dir, what, err);
    throw err;
  }
}
