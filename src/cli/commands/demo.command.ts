import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerDemoCommands(program: Command, io: CliIO): void {
  const demo = program
    .command('demo')
    .description("demo data drawn from the seed document's examples");
  demo
    .command('seed')
    .description(
      'load the demo ERP data into the kgc_erp schema (safe to repeat; refuses a database holding other data)',
    )
    .option(
      '--force',
      'load it even into a database holding other data (asks first; without a terminal also --yes)',
    )
    .addHelpText(
      'after',
      `
Example:
  $ kgc-support demo seed && kgc-support serve

A database holding rows the demo does not have (a real ERP's customers), or the demo's
ids with other values, is refused (code erp_not_empty): the demo never overwrites them
unless --force, and then only after a confirmation (--yes without a terminal).`,
    )
    .action(async (opts: { force?: boolean }, cmd: Command) => {
      const h = await import('./demo.handler.js');
      await h.demoSeed(io, globalsOf(cmd), opts);
    });
}
