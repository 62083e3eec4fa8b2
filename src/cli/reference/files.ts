/**
 * The files the package ships beside the code, written from the command tree at build
 * time (scripts/cli-reference.mjs writes them under dist/): the manual page, the
 * completion scripts and the help pages of bin's --help fast path. A test compares the packed files with a fresh generation.
 */
import type { Command } from 'commander';
import { SETTINGS } from '../../config/settings.js';
import { EXIT, EXIT_MEANING } from '../exit-codes.js';
import { completionScript } from './completion.js';
import { helpPages } from './help-pages.js';
import { manPage } from './man.js';
import { commandTree } from './tree.js';

/** Paths relative to dist/ → their content. */
export function referenceFiles(program: Command, version: string): Record<string, string> {
  const exitCodes = (Object.keys(EXIT) as (keyof typeof EXIT)[]).map((k) => ({
    code: EXIT[k],
    meaning: EXIT_MEANING[k],
  }));
  const environment = Object.values(SETTINGS).map((s) => ({ env: s.env, doc: s.doc }));
  return {
    'man/kgc-support.1': manPage(commandTree(program), { version, exitCodes, environment }),
    'completion/kgc-support.bash': completionScript('bash', program, version),
    'completion/_kgc-support': completionScript('zsh', program, version),
    'completion/kgc-support.fish': completionScript('fish', program, version),
    'cli/help-pages.json': `${JSON.stringify(helpPages(program))}\n`,
  };
}
