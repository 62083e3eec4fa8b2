import { Option, type Command } from 'commander';
import { SUPPORT_SERVICES } from '../../render/services.js';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';
import type { StackFlags, UpFlags } from './stack.handler.js';
import type { LogsFlags } from './status.handler.js';

const collect = (value: string, prev: string[] = []) => [
  ...prev,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
];

function common(cmd: Command): Command {
  return cmd
    .option('--franchise <id>', 'the franchise (env KGC_SUPPORT_FRANCHISE; default: the only one)')
    .addOption(
      // The values from the one list of services: the help and the completion show them.
      new Option('--service <name>', 'only these services (repeat or comma-separate)')
        .choices(SUPPORT_SERVICES)
        .argParser(collect),
    )
    .option(
      '--dir <dir>',
      'the franchises directory (env KGC_SUPPORT_FRANCHISES_DIR; default /var/lib/kgc-support/franchises for root, else ~/.local/share/kgc-support/franchises)',
    );
}

export function registerStackCommands(program: Command, io: CliIO): void {
  common(program.command('up'))
    .description(
      "start the Support module's services beside the ERP and wait until they are healthy",
    )
    .option('--timeout <duration>', 'how long to wait for health', '180s')
    .option('--erp', "also start the ERP's own services (a first install)")
    .addHelpText(
      'after',
      `
Needs rendered files that are up to date (kgc-support render). Never stops or recreates the
ERP's containers. On failure it prints the failing containers' last log lines and exits 1.

Examples:
  $ kgc-support up --franchise budapest-1
  $ kgc-support up --franchise budapest-1 --erp --timeout 5m
  $ kgc-support up --service support-chatbot --json`,
    )
    .action(async (opts: UpFlags, cmd: Command) => {
      const h = await import('./stack.handler.js');
      await h.up(io, globalsOf(cmd), opts);
    });

  common(program.command('down'))
    .description("stop and remove only the Support module's services; the ERP keeps running")
    .addHelpText(
      'after',
      `
Unlike \`docker-compose --profile support down\`, which removes the whole project, ERP
included, this stops and removes the support services by name. Data volumes are kept.

Examples:
  $ kgc-support down --franchise budapest-1
  $ kgc-support down --service chatwoot-worker`,
    )
    .action(async (opts: StackFlags, cmd: Command) => {
      const h = await import('./stack.handler.js');
      await h.down(io, globalsOf(cmd), opts);
    });

  common(program.command('status'))
    .description("each service's state, health and uptime (ERP and Support)")
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support status --franchise budapest-1
  $ kgc-support status --json | jq '.services[] | select(.health != "healthy")'`,
    )
    .action(async (opts: StackFlags, cmd: Command) => {
      const h = await import('./status.handler.js');
      await h.status(io, globalsOf(cmd), opts);
    });

  common(program.command('logs'))
    .description("the support services' logs (through the compose tool)")
    .option('--tail <n>', 'lines per service', '100')
    .option('-f, --follow', 'keep following (Ctrl-C to stop)')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support logs --service support-chatbot --tail 50
  $ kgc-support logs --franchise budapest-1 --follow
  $ kgc-support logs --service chatwoot-web --tail 20 --json | jq -r '.services[0].lines[]'`,
    )
    .action(async (opts: LogsFlags, cmd: Command) => {
      const h = await import('./status.handler.js');
      await h.logs(io, globalsOf(cmd), opts);
    });
}
