/**
 * The kgc-support command line. Commands register themselves from their
 * *.command.ts files, which only describe flags: the work lives in lazily
 * imported handlers, so `--help` loads no database, no HTTP server.
 */
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { CATALOGUE } from '../errors/catalogue.js';
import { isKgcError } from '../errors/kgc-error.js';
import { registerAdminCommands } from './commands/admin.command.js';
import { registerAuditCommands } from './commands/audit.command.js';
import { registerBackupCommands } from './commands/backup.command.js';
import { registerBundleCommand } from './commands/bundle.command.js';
import { registerUpgradeCommands } from './commands/upgrade.command.js';
import { registerCompletionCommand } from './commands/completion.command.js';
import { registerConfigCommand } from './commands/config.command.js';
import { registerDemoCommands } from './commands/demo.command.js';
import { registerDoctorCommand } from './commands/doctor.command.js';
import { registerGdprCommands } from './commands/gdpr.command.js';
import { registerHealthCommand } from './commands/health.command.js';
import { registerInitCommand } from './commands/init.command.js';
import { registerDlqCommands } from './commands/dlq.command.js';
import { registerEventsCommands } from './commands/events.command.js';
import { registerKeysCommands } from './commands/keys.command.js';
import { registerModuleCommands } from './commands/module.command.js';
import { registerRenderCommand } from './commands/render.command.js';
import { registerRetentionCommands } from './commands/retention.command.js';
import { registerServeCommand } from './commands/serve.command.js';
import { registerStackCommands } from './commands/stack.command.js';
import { registerWebhookCommands } from './commands/webhook.command.js';
import { cutAtUnknownCommand } from './argv.js';
import { VERSION } from '../version.js';
import { EXIT } from './exit-codes.js';
import { addGlobalOptions, type GlobalOptions } from './globals.js';
import { processIO, type CliIO } from './io.js';
import { colorWanted, createOutput } from './output.js';

export type Register = (program: Command, io: CliIO) => void;

/** Each capability's commands; a new capability adds its register function here. */
const COMMANDS: readonly Register[] = [
  registerServeCommand,
  registerKeysCommands,
  registerAuditCommands,
  registerModuleCommands,
  registerDemoCommands,
  registerGdprCommands,
  registerRetentionCommands,
  registerConfigCommand,
  registerInitCommand,
  registerRenderCommand,
  registerStackCommands,
  registerDoctorCommand,
  registerHealthCommand,
  registerEventsCommands,
  registerDlqCommands,
  registerWebhookCommands,
  registerBackupCommands,
  registerUpgradeCommands,
  registerAdminCommands,
  registerBundleCommand,
  registerCompletionCommand,
];

/**
 * Where commander writes, and the width its help wraps to: the terminal's when stdout is
 * one, as commander does for process.stdout (the help fast path in bin relies on it).
 */
const output = (io: CliIO): OutputConfiguration => ({
  writeOut: (s) => io.writeOut(s),
  writeErr: (s) => io.writeErr(s),
  getOutHelpWidth: () => (io.stdoutIsTTY ? (io.stdoutColumns ?? 80) : 80),
});

export function buildProgram(io: CliIO): Command {
  const program = new Command('kgc-support')
    .description(
      'The KGC ERP Support module as a switchable plugin: daemon, Pull API, webhooks, installer, health checks.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput(output(io))
    .exitOverride();
  addGlobalOptions(program);
  program.addHelpText(
    'after',
    `
Examples:
  # An installed server: each franchise's daemon, named by --franchise (or KGC_SUPPORT_FRANCHISE)
  $ kgc-support doctor
  $ kgc-support status --franchise budapest-1
  $ kgc-support keys create --franchise budapest-1 --name chatbot --scope support:read
  $ kgc-support health --franchise budapest-1 --format nagios
  $ kgc-support support-bundle --franchise budapest-1
  # A daemon on this host: the embedded store or DATABASE_URL, named by --data-dir
  $ kgc-support serve --demo                    run the daemon on the embedded store with demo data
  $ kgc-support keys create --data-dir /var/lib/kgc-support/daemon --name chatbot --scope support:read
  $ kgc-support audit --since 1h --json

Exit codes: 0 ok, 1 failure, 2 usage error, 3 unknown (health), 130 interrupted.
Documentation: man kgc-support; README.md and docs/ in the source (docs/cli.md: every command)`,
  );
  for (const register of COMMANDS) register(program, io);
  // Every subcommand reports usage errors the same way.
  const walk = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput(output(io));
    cmd.commands.forEach(walk);
  };
  program.commands.forEach(walk);
  return program;
}

/** Runs the CLI and returns its exit code; never calls process.exit itself. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    // An unknown command is a usage error whatever follows it (`nosuch --help` included).
    const cut = cutAtUnknownCommand(program, argv.slice(2));
    await program.parseAsync(cut ? [...argv.slice(0, 2), ...cut] : argv, { from: 'node' });
    return io.exitCode ?? EXIT.OK;
  } catch (err) {
    // A monitoring system reads a plugin's exit code: a usage error is UNKNOWN (3) there,
    // never CRITICAL (2), and its one line goes to stdout where Nagios/Icinga look.
    if (err instanceof CommanderError && err.exitCode !== 0 && nagiosRequested(program, argv)) {
      io.writeOut(`KGC-SUPPORT UNKNOWN - ${err.message.replace(/^error:\s*/, '')}\n`);
      return EXIT.UNKNOWN;
    }
    return reportError(err, io, program.opts<GlobalOptions>());
  }
}

/**
 * The command is `health` (the first word after the global options, skipping the values
 * of those that take one) and `--format nagios` (or `--format=nagios`) follows it.
 */
export function nagiosRequested(program: Command, argv: readonly string[]): boolean {
  const takesValue = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]),
  );
  const args = argv.slice(2);
  let at = 0;
  while (at < args.length && args[at]?.startsWith('-')) at += takesValue.has(args[at]) ? 2 : 1;
  if (args[at] !== 'health') return false;
  const rest = args.slice(at + 1);
  return rest.some(
    (a, i) => a === '--format=nagios' || (a === '--format' && rest[i + 1] === 'nagios'),
  );
}

export function reportError(err: unknown, io: CliIO, g: GlobalOptions): number {
  if (err instanceof CommanderError) {
    // Help asked for (--help, help <command>) is a success. Help shown because no command
    // was given (bare `kgc-support`, or `kgc-support keys`) goes to stderr with commander's
    // non-zero code: a usage error, so that a script calling it without a command fails.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
    return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  const out = createOutput(io, {
    json: g.json === true,
    color: colorWanted({ ...io, stdoutIsTTY: io.stderrIsTTY }, g),
    quiet: false,
  });
  if (isKgcError(err)) {
    // The hint goes with the code in --json too: a script's user needs the same next step.
    if (g.json)
      io.writeErr(
        `${JSON.stringify({ error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}), ...err.extras } })}\n`,
      );
    else {
      out.error(err.message);
      if (err.hint) io.writeErr(`  ${out.style.dim(err.hint)}\n`);
    }
    return err.exitCode;
  }
  const e = err as Error;
  if (g.json)
    io.writeErr(
      `${JSON.stringify({ error: { code: 'internal', message: e?.message ?? String(err), hint: CATALOGUE.internal.hint } })}\n`,
    );
  else out.error(`unexpected error: ${e?.message ?? String(err)}`);
  if (g.verbose && e?.stack) io.writeErr(`${e.stack}\n`);
  return EXIT.FAILURE;
}
