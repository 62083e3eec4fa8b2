import type { Command } from 'commander';
import { globalsOf } from '../globals.js';
import type { CliIO } from '../io.js';

export function registerServeCommand(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description(
      'run the daemon: the Pull API, the admin API for this CLI, and (with Support) webhooks and health checks',
    )
    .option('--port <port>', 'Pull API port (env KGC_SUPPORT_PORT)')
    .option('--host <host>', 'address to listen on (env KGC_SUPPORT_HOST)')
    .option('--demo', 'load the demo data and print a demo API key (once)')
    .addHelpText(
      'after',
      `
Examples:
  $ kgc-support serve --demo
  $ KGC_SUPPORT_HOST=0.0.0.0 DATABASE_URL=postgres://kgc@db/kgc kgc-support serve

Stops cleanly on SIGTERM or Ctrl-C, whatever it is doing (waiting for its database or the
ERP's, migrating, serving): in-flight requests finish, the audit log is flushed, exit 0.`,
    )
    .action(async (opts: { port?: string; host?: string; demo?: boolean }, cmd: Command) => {
      // Before anything loads: as pid 1 (a container) a signal without a handler is ignored.
      const stop = new AbortController();
      const undo = io.onStop?.((signal) => {
        if (!stop.signal.aborted) stop.abort(signal);
      });
      try {
        const h = await import('./serve.handler.js');
        await h.serve(io, globalsOf(cmd), opts, stop.signal);
      } finally {
        undo?.();
      }
    });
}
