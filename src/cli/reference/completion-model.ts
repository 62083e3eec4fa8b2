/**
 * What a shell needs to complete a kgc-support command line, per command: the words
 * that may follow it (subcommands, options, argument values) and what each option's
 * value is (a list, a directory, a file, a franchise id). Built from the command tree;
 * each shell's script is written from this one model.
 */
import { allCommands, isGroup, summaryOf, type CommandSpec, type OptionSpec } from './tree.js';

export const PROGRAM = 'kgc-support';

export type ValueKind =
  | { readonly kind: 'words'; readonly words: readonly string[] }
  | { readonly kind: 'dir' }
  | { readonly kind: 'file' }
  | { readonly kind: 'franchise' }
  | { readonly kind: 'any' };

export interface CompletionOption {
  readonly long: string | undefined;
  readonly short: string | undefined;
  readonly summary: string;
  /** Undefined for a flag; what its value is otherwise. */
  readonly value: ValueKind | undefined;
}

export interface CompletionNode {
  /** The command words after the program, space-joined: "" for the program, "keys create". */
  readonly key: string;
  /** Subcommands, when the next word must be one (a group). */
  readonly commands: readonly { readonly name: string; readonly summary: string }[];
  /** Its own options, then the program's (global) ones, then -h, --help. */
  readonly options: readonly CompletionOption[];
  /** The values its arguments accept, when they are a fixed list. */
  readonly argumentWords: readonly string[];
}

const HELP: CompletionOption = {
  long: '--help',
  short: '-h',
  summary: 'display help for command',
  value: undefined,
};

/** What an option's value is, from its declared choices and its placeholder's name. */
export function valueKind(o: OptionSpec): ValueKind | undefined {
  if (o.value === undefined) return undefined;
  if (o.choices.length > 0) return { kind: 'words', words: o.choices };
  if (o.long === '--franchise') return { kind: 'franchise' };
  if (o.value === 'dir') return { kind: 'dir' };
  if (o.value === 'file' || o.value === 'path') return { kind: 'file' };
  return { kind: 'any' };
}

function completionOption(o: OptionSpec): CompletionOption {
  return { long: o.long, short: o.short, summary: summaryOf(o.description), value: valueKind(o) };
}

export function completionModel(tree: CommandSpec): CompletionNode[] {
  const globals = tree.options.map(completionOption);
  // --version is the program's alone; the other global options work after any command.
  const inherited = globals.filter((o) => o.long !== '--version');
  return allCommands(tree).map((c) => ({
    key: c.path.join(' '),
    commands: isGroup(c)
      ? c.commands.map((s) => ({
          name: s.path.at(-1) as string,
          summary: summaryOf(s.description),
        }))
      : [],
    options:
      c.path.length === 0
        ? [...globals, HELP]
        : [...c.options.map(completionOption), ...inherited, HELP],
    argumentWords: c.arguments.flatMap((a) => a.choices),
  }));
}

/** The option words (-x, --xyz) of an option. */
export function optionWords(o: CompletionOption): string[] {
  return [o.short, o.long].filter((w): w is string => w !== undefined);
}

/** The option words of a node that take a value: the word after them is that value. */
export function valueOptionWords(node: CompletionNode): string[] {
  return node.options.filter((o) => o.value !== undefined).flatMap(optionWords);
}

/** A string in single quotes for sh, bash, zsh and fish alike ('it'\''s'). */
export function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
