import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { RenderFlags } from './render.handler.js';

export function registerRenderCommand(program: Command, io: CliIO): void {
  program
    .command('render')
    .description(
      "write a franchise's compose file(s) and .env file(s) from franchise.yaml and the templates",
    )
    .option('--franchise <id>', 'the franchise (default: the only one)')
    .option('--all', 'every franchise in the franchises directory')
    .option(
      '--check',
      'write nothing; exit 1 when the files on disk differ from what render would write',
    )
    .option('--diff', 'write nothing; show what would change, secrets redacted')
    .option(
      '--no-validate',
      'do not ask the compose tool to validate the result (it does by default)',
    )
    .option(
      '--dir <dir>',
      'the franchises directory (env KGC_SUPPORT_FRANCHISES_DIR; default /var/lib/kgc-support/franchises for root, else ~/.local/share/kgc-support/franchises)',
    )
    .addHelpText(
      'after',
      `
Secrets are generated once (secrets.env, 0600) and never replaced by a re-render; .env files
are 0600; rendering an unchanged franchise changes no byte. Files written, per franchise:
  layout profiles:  docker-compose.yml, .env
  layout separate:  docker-compose.yml, .env, support/docker-compose.support.yml, support/.env

Examples:
  $ kgc-support render --franchise budapest-1
  $ kgc-support render --all
  $ kgc-support render --franchise budapest-1 --diff
  $ kgc-support render --all --check || echo "someone edited the rendered files"`,
    )
    .action(async (opts: RenderFlags, cmd: Command) => {
      const h = await import('./render.handler.js');
      await h.render(io, globalsOf(cmd), opts);
    });
}
