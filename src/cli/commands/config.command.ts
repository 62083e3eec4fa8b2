import type { Command } from 'commander';
import { globalsOf, outputFor } from '../globals.js';
import type { CliIO } from '../io.js';
import { table } from '../output.js';

export function registerConfigCommand(program: Command, io: CliIO): void {
  program
    .command('config')
    .description(
      'print the effective configuration and where each value comes from (secrets masked)',
    )
    .addHelpText(
      'after',
      `
Example:
  $ KGC_SUPPORT_PORT=8080 kgc-support config`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      const out = outputFor(io, g);
      // Loaded when it runs: run-op reaches the franchise store (yaml, TypeBox), which `health` must not load.
      const [{ describeConfig }, { cliConfig }] = await Promise.all([
        import('../../config/config.js'),
        import('../run-op.js'),
      ]);
      const rows = describeConfig(cliConfig(io, g));
      out.result(Object.fromEntries(rows.map((r) => [r.key, { env: r.env, value: r.value }])), () =>
        table(
          ['SETTING', 'ENV', 'VALUE', 'MEANING'],
          rows.map((r) => [r.key, r.env, r.value || out.style.dim('(unset)'), r.doc]),
          out.style,
        ),
      );
    });
}
