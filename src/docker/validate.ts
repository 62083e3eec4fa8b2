/**
 * The compose tool's own verdict on rendered files, before they are written: they are
 * laid out in a scratch directory as they would be in the franchise's, and each
 * project's `config -q` must pass.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KgcError } from '../errors/kgc-error.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { writeFiles } from '../render/files.js';
import { projectFilesOf } from '../render/model.js';
import type { RenderedFile } from '../render/render.js';
import { runCompose, type ComposeTool, type Exec } from './compose.js';
import { composeProject } from './stack.js';

export async function validateRendered(
  tool: ComposeTool,
  exec: Exec,
  ref: FranchiseRef,
  files: readonly RenderedFile[],
): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'kgc-render-'));
  try {
    writeFiles(scratch, files);
    mkdirSync(join(scratch, 'knowledge-base'), { recursive: true });
    const copy: FranchiseRef = { ...ref, dir: scratch };
    for (const p of projectFilesOf(ref.franchise)) {
      const r = await runCompose(tool, exec, composeProject(copy, p), ['config', '-q']);
      if (r.exitCode !== 0) {
        const said = (r.stderr || r.stdout).split(scratch).join(ref.dir).trim();
        throw new KgcError(
          'compose_failed',
          `the rendered ${p.composeFile} of franchise ${ref.id} does not pass \`${tool.display} config\`:\n${said}`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
