/** `kgc-support completion <shell>`: the script for bash, zsh or fish, from the command tree. */
import type { Command } from 'commander';
import { bashCompletion } from './completion-bash.js';
import { fishCompletion } from './completion-fish.js';
import { completionModel } from './completion-model.js';
import { zshCompletion } from './completion-zsh.js';
import type { Shell } from './shells.js';
import { commandTree } from './tree.js';

const WRITERS: Record<Shell, typeof bashCompletion> = {
  bash: bashCompletion,
  zsh: zshCompletion,
  fish: fishCompletion,
};

export function completionScript(shell: Shell, program: Command, version: string): string {
  return WRITERS[shell](completionModel(commandTree(program)), version);
}
