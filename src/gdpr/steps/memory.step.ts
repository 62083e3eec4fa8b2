/**
 * Step 3: the Support chatbot's long-term memory of the customer (seed 5.2):
 * <memory root>/kgc-support/customers/<id>.json, and its siblings <id>.json.tmp,
 * <id>.json.bak … that writers leave behind: every entry whose name starts with
 * "<id>." (an id has no ".", so no other customer's file starts that way). The erasure
 * reads only the names, never a file's content; an access request (collect) reads both. A symbolic link is not followed: the data
 * it points to would stay, so a person must look (the step fails).
 */
import { lstat, readdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import {
  firstItems,
  plural,
  type ErasureStep,
  type StepContext,
  type StepPlan,
  type StepResult,
} from './step.js';
import { permanent, transient } from './failure.js';

type Found = { kind: 'no-root' } | { kind: 'files'; dir: string; names: string[] };

function customersDir(root: string): string {
  return join(resolve(root), 'kgc-support', 'customers');
}

async function find(sc: StepContext): Promise<Found> {
  const root = resolve(sc.deps.memoryRoot);
  try {
    await lstat(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'no-root' };
    throw transient(
      `cannot read the memory root (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const dir = customersDir(root);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'files', dir, names: [] };
    if (code === 'EACCES' || code === 'EPERM') throw permanent(`no permission to read ${dir}`);
    throw transient(`cannot read ${dir} (${code ?? 'error'})`);
  }
  const prefix = `${sc.request.customerId}.`;
  return { kind: 'files', dir, names: entries.filter((n) => n.startsWith(prefix)).sort() };
}

/** The path of one entry, checked to be directly inside the customers directory. */
function inside(dir: string, name: string): string {
  const p = resolve(dir, name);
  if (!p.startsWith(dir + sep) || p.slice(dir.length + 1).includes(sep))
    throw permanent('a memory file name escapes the customers directory');
  return p;
}

const NO_ROOT = (root: string) =>
  `no memory root at ${root}: this server keeps no Support memory (set SUPPORT_MEMORY_ROOT if it does)`;

export const memoryStep: ErasureStep = {
  name: 'memory',
  position: 3,

  async plan(sc): Promise<StepPlan> {
    const found = await find(sc);
    if (found.kind === 'no-root')
      return { action: 'skip', summary: NO_ROOT(sc.deps.memoryRoot), counts: {}, items: [] };
    if (found.names.length === 0)
      return {
        action: 'nothing',
        summary: `no memory file in ${found.dir}`,
        counts: {},
        items: [],
      };
    return {
      action: 'erase',
      summary: `delete ${plural(found.names.length, 'file')} in ${found.dir}`,
      counts: { files: found.names.length },
      items: firstItems(found.names),
    };
  },

  async run(sc): Promise<StepResult> {
    const found = await find(sc);
    if (found.kind === 'no-root')
      return { kind: 'skipped', counts: { files: 0 }, detail: NO_ROOT(sc.deps.memoryRoot) };
    let deleted = 0;
    for (const name of found.names) {
      const path = inside(found.dir, name);
      // The receipt keeps the customer as a hash: a file is named "<id>.json", never by the id.
      const shown = `<id>${name.slice(sc.request.customerId.length)}`;
      const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined; // gone meanwhile: done
        throw transient(`cannot inspect a memory file (${err.code ?? 'error'})`);
      });
      if (!st) continue;
      if (st.isSymbolicLink())
        throw permanent(
          `memory file ${shown} is a symbolic link: the data it points to must be removed by hand`,
          { files: deleted },
        );
      if (!st.isFile())
        throw permanent(`memory entry ${shown} is not a regular file: remove it by hand`, {
          files: deleted,
        });
      try {
        await unlink(path);
        deleted++;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        if (code === 'EACCES' || code === 'EPERM')
          throw permanent(`no permission to delete memory file ${shown}`, { files: deleted });
        throw transient(`cannot delete memory file ${shown} (${code ?? 'error'})`, {
          files: deleted,
        });
      }
    }
    return {
      kind: 'done',
      counts: { files: deleted },
      detail:
        deleted === 0
          ? 'no memory file (already gone)'
          : `deleted ${plural(deleted, 'memory file')}`,
    };
  },

  async verify(sc, result) {
    const found = await find(sc);
    if (found.kind === 'no-root')
      return result.kind === 'skipped' ? undefined : 'the memory root disappeared';
    return found.names.length === 0
      ? undefined
      : `${plural(found.names.length, 'memory file')} still there`;
  },

  async collect(sc) {
    const found = await find(sc);
    if (found.kind === 'no-root')
      return { status: 'not_configured', detail: NO_ROOT(sc.deps.memoryRoot), data: [] };
    const files: { name: string; bytes: number; content: unknown }[] = [];
    for (const name of found.names) {
      const path = inside(found.dir, name);
      const st = await lstat(path).catch(() => undefined);
      if (!st) continue;
      if (!st.isFile())
        throw permanent(
          `memory entry <id>${name.slice(sc.request.customerId.length)} is not a regular file: export it by hand`,
        );
      const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw transient(`cannot read a memory file (${err.code ?? 'error'})`);
      });
      let content: unknown = text;
      try {
        content = JSON.parse(text);
      } catch {
        // not JSON: given as text
      }
      files.push({ name, bytes: st.size, content });
    }
    return files.length === 0
      ? { status: 'nothing', detail: `no memory file in ${found.dir}`, data: [] }
      : {
          status: 'found',
          detail: `${plural(files.length, 'memory file')} in ${found.dir}`,
          data: files,
        };
  },
};
