/**
 * The command words of a command line, read along the program's command tree before
 * commander parses it. Commander shows the help of `kgc-support nosuch --help` (the
 * parent's, exit 0) before it notices that `nosuch` is no command: a script could not
 * tell a missing command from a working one. Cut at the unknown word, the same line
 * makes commander report "unknown command" (a usage error, exit 2) whatever followed.
 */
import type { Command } from 'commander';

/** The option words of `cmd` that take a value (`--dir <dir>`, `--format [f]`). */
function valueOptions(cmd: Command): string[] {
  return cmd.options
    .filter((o) => o.required || o.optional)
    .flatMap((o) => [o.long, o.short])
    .filter((w): w is string => w !== undefined);
}

const subcommand = (cmd: Command, word: string): Command | undefined =>
  cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));

/** A command whose operands must name one of its subcommands (a group, or the program). */
const isGroup = (cmd: Command): boolean =>
  cmd.commands.length > 0 && cmd.registeredArguments.length === 0;

/**
 * When a word of `args` (argv without node and script) names no command where a command
 * is expected, the line up to and including that word, without a `help` before it;
 * otherwise undefined.
 */
export function cutAtUnknownCommand(
  program: Command,
  args: readonly string[],
): string[] | undefined {
  let cmd = program;
  const takesValue = new Set(valueOptions(cmd));
  for (let at = 0; at < args.length; at++) {
    const word = args[at] as string;
    if (word === '--') return undefined;
    if (word.startsWith('-') && word !== '-') {
      if (!word.includes('=') && takesValue.has(word)) at++;
      continue;
    }
    if (!isGroup(cmd)) return undefined;
    if (word === 'help') {
      // `help <name>`: the name must be a command too.
      const next = args.slice(at + 1).find((w) => !w.startsWith('-'));
      if (next === undefined || subcommand(cmd, next)) return undefined;
      return [...args.slice(0, at), next];
    }
    const sub = subcommand(cmd, word);
    if (!sub) return args.slice(0, at + 1);
    cmd = sub;
    valueOptions(cmd).forEach((w) => takesValue.add(w));
  }
  return undefined;
}
