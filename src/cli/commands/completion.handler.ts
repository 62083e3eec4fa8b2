import type { Command } from 'commander';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { VERSION } from '../../version.js';
import { completionScript } from '../reference/completion.js';
import type { Shell } from '../reference/shells.js';

/** Prints the script for `shell`, written from the program this command belongs to. */
export function completion(io: CliIO, g: GlobalOptions, shell: Shell, cmd: Command): void {
  let program = cmd;
  while (program.parent) program = program.parent;
  const script = completionScript(shell, program, VERSION);
  outputFor(io, g).result({ shell, script }, () => script);
}
