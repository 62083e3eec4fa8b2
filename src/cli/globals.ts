/** Options every command accepts, and what the CLI derives from them. */
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import type { CliIO } from './io.js';
import { colorWanted, createOutput, type Output } from './output.js';

export interface GlobalOptions {
  json?: boolean;
  dataDir?: string;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  yes?: boolean;
  /** State commands: the installed franchise whose daemon to act on (see target.ts). */
  franchise?: string;
  /** The franchises directory, with --franchise. */
  dir?: string;
}

/** Where the franchises directory is by default, for --dir help texts. */
export const FRANCHISES_DIR_HELP =
  'the franchises directory (env KGC_SUPPORT_FRANCHISES_DIR; default /var/lib/kgc-support/franchises for root, else ~/.local/share/kgc-support/franchises)';

/** --franchise and --dir of every command that reads or changes a daemon's state. */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option(
      '--franchise <id>',
      "act on this installed franchise's daemon, through its admin socket (env KGC_SUPPORT_FRANCHISE)",
    )
    .option('--dir <dir>', FRANCHISES_DIR_HELP);
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--json', 'print the result as JSON on stdout (for scripts)')
    .option('--data-dir <dir>', 'data directory (env KGC_SUPPORT_DATA_DIR)')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'log what happens to stderr')
    .option('-y, --yes', 'answer yes to confirmations; never prompt');
}

export function globalsOf(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function outputFor(io: CliIO, g: GlobalOptions): Output {
  return createOutput(io, {
    json: g.json === true,
    color: colorWanted(io, g),
    quiet: g.quiet === true,
  });
}

/** Who is acting, for the audit log. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return `cli:${user}@${hostname()}`.replace(/[^\w.@:+-]/g, '_');
}

/** Prompts are allowed only on a terminal and without --yes or --json. */
export function canPrompt(io: CliIO, g: GlobalOptions): boolean {
  return io.stdinIsTTY && io.stdoutIsTTY && !g.yes && !g.json;
}
