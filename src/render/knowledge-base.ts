/**
 * The knowledge base's starter files (templates/knowledge-base: a Hungarian KGC FAQ drawn
 * from the seed's own examples). Render writes one when it is missing and never touches
 * one that exists: from then on it is the franchise's to edit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { DEFAULT_KNOWLEDGE_BASE_DIR, type Franchise } from '../franchise/franchise.schema.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import type { TemplateSet } from './template.js';

export type StarterAction = 'created' | 'kept';

/** The knowledge base directory on the host: franchise.yaml's, relative to the franchise directory. */
export function knowledgeBaseDirOf(ref: FranchiseRef): string {
  const kb = ref.franchise.support.knowledge_base_dir ?? DEFAULT_KNOWLEDGE_BASE_DIR;
  return isAbsolute(kb) ? kb : join(ref.dir, kb);
}

/** The starter files' texts for this franchise ({{ franchise_name }} filled in). */
export function starterFiles(f: Franchise, t: TemplateSet): { name: string; content: string }[] {
  return Object.entries(t.knowledgeBase).map(([name, text]) => ({
    name,
    content: text.replaceAll('{{ franchise_name }}', () => f.name),
  }));
}

/** Writes each starter file that does not exist yet (exclusive create: an existing one is never replaced). */
export function writeStarterFiles(
  ref: FranchiseRef,
  t: TemplateSet,
): { path: string; action: StarterAction }[] {
  const dir = knowledgeBaseDirOf(ref);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const kb = ref.franchise.support.knowledge_base_dir ?? DEFAULT_KNOWLEDGE_BASE_DIR;
  return starterFiles(ref.franchise, t).map(({ name, content }) => {
    const path = isAbsolute(kb) ? join(kb, name) : posix.join(kb, name);
    try {
      writeFileSync(join(dir, name), content, { mode: 0o644, flag: 'wx' });
      return { path, action: 'created' };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { path, action: 'kept' };
      throw err;
    }
  });
}
