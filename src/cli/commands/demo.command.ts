import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerDemoCommands(program: Command, io: CliIO): void {
  const demo = program.command('demo').description('demo data drawn from the seed document\'s examples');
  demo.command('seed')
    .description('load the demo ERP data into the kgc_erp schema (safe to repeat)')
    .addHelpText('after', `
Example:
  $ kgc-support demo seed && kgc-support serve`)
    .action(async (_opts: unknown, cmd: Command) => {
      const h = await import('./demo.handler.js');
      await h.demoSeed(io, globalsOf(cmd));
    });
}
