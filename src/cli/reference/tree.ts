/**
 * The command tree as data: every command, its options, arguments, description and the
 * text its help prints after the options (notes and examples), read from the commander
 * definitions themselves. The man page and the shell completions are generated from it,
 * so they cannot drift from what `--help` says and what the parser accepts.
 */
import type { EventEmitter } from 'node:events';
import type { Argument, Command, Option } from 'commander';

export interface OptionSpec {
  /** As declared: "-f, --follow", "--scope <scope>". */
  readonly flags: string;
  readonly long: string | undefined;
  readonly short: string | undefined;
  /** The value's placeholder ("scope" of `<scope>`), when the option takes one. */
  readonly value: string | undefined;
  /** The values it accepts, when they are a fixed list. */
  readonly choices: readonly string[];
  readonly description: string;
  /** The default as help prints it, if any. */
  readonly defaultValue: string | undefined;
  readonly mandatory: boolean;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly required: boolean;
  readonly variadic: boolean;
  readonly description: string;
  readonly choices: readonly string[];
}

export interface CommandSpec {
  /** The words after the program name: [] for the program, ["keys", "create"]. */
  readonly path: readonly string[];
  readonly description: string;
  /** Commander's usage line: "[options] <customer-id>". */
  readonly usage: string;
  readonly arguments: readonly ArgumentSpec[];
  /** Its own options (the program's are the global ones), --help not included. */
  readonly options: readonly OptionSpec[];
  /** What its --help prints after the options, as written (notes, examples). */
  readonly afterHelp: string;
  readonly commands: readonly CommandSpec[];
}

/** "scope" of "--scope <scope>" or "--format [format]". */
function valueName(flags: string): string | undefined {
  return /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1];
}

function optionSpec(o: Option): OptionSpec {
  const takes = o.required || o.optional;
  return {
    flags: o.flags,
    long: o.long,
    short: o.short,
    value: takes ? (valueName(o.flags) ?? 'value') : undefined,
    choices: o.argChoices ?? [],
    description: o.description,
    defaultValue:
      o.defaultValue === undefined || typeof o.defaultValue === 'boolean'
        ? undefined
        : JSON.stringify(o.defaultValue),
    mandatory: o.mandatory,
  };
}

function argumentSpec(a: Argument): ArgumentSpec {
  return {
    name: a.name(),
    required: a.required,
    variadic: a.variadic,
    description: a.description,
    choices: a.argChoices ?? [],
  };
}

/** The text `addHelpText('after', …)` added: the listeners commander calls after the help. */
function afterHelpOf(cmd: Command): string {
  let text = '';
  const context = {
    error: false,
    command: cmd,
    write: (s: string) => {
      text += s;
      return true;
    },
  };
  // Commander's Command is an EventEmitter (its typings declare only `on`).
  const events = cmd as unknown as Pick<EventEmitter, 'listeners'>;
  for (const listener of events.listeners('afterHelp'))
    (listener as (c: typeof context) => void)(context);
  return text.replace(/^\n+/, '').trimEnd();
}

/**
 * The program and every command under it, as its help lists them (hidden ones left out),
 * without commander's own `help` command and -h, --help, which every command has.
 */
export function commandTree(cmd: Command, path: readonly string[] = []): CommandSpec {
  const help = cmd.createHelp();
  return {
    path,
    description: cmd.description(),
    usage: cmd.usage(),
    arguments: cmd.registeredArguments.map(argumentSpec),
    options: help
      .visibleOptions(cmd)
      .filter((o) => o.long !== '--help')
      .map(optionSpec),
    afterHelp: afterHelpOf(cmd),
    commands: help
      .visibleCommands(cmd)
      .filter((c) => c.name() !== 'help')
      .map((c) => commandTree(c, [...path, c.name()])),
  };
}

/** Every command of the tree, depth first, the program first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap(allCommands)];
}

/** The first line of a description, for completion menus. */
export function summaryOf(description: string): string {
  return (description.split('\n')[0] ?? '').trim();
}

/** Whether the word after this command must be one of its subcommands. */
export function isGroup(spec: CommandSpec): boolean {
  return spec.commands.length > 0 && spec.arguments.length === 0;
}
