import { Argument, type Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import { SHELLS, type Shell } from '../reference/shells.js';

export function registerCompletionCommand(program: Command, io: CliIO): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .addHelpText(
      'after',
      `
Completes commands, options and their values (scopes, services, formats, directories,
the installed franchises). The package also ships the scripts (dist/completion/) and
the manual page (man kgc-support).

Examples:
  $ source <(kgc-support completion bash)
  $ kgc-support completion bash | sudo tee /etc/bash_completion.d/kgc-support >/dev/null
  $ kgc-support completion zsh > "\${fpath[1]}/_kgc-support"
  $ kgc-support completion fish > ~/.config/fish/completions/kgc-support.fish`,
    )
    .action(async (shell: Shell, _opts: unknown, cmd: Command) => {
      const h = await import('./completion.handler.js');
      h.completion(io, globalsOf(cmd), shell, cmd);
    });
}
