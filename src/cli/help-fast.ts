/**
 * `kgc-support [command…] --help` without loading the command tree: the help texts are
 * written at build time from the commander definitions (reference/help-pages.ts writes
 * dist/cli/help-pages.json) and bin/kgc-support.js prints the one asked for when the
 * line is only command words and a help flag. Anything else (an unknown word, an option,
 * a width the pages were not written for) returns undefined and commander answers as
 * usual. This module imports nothing else of the CLI: loading it must stay cheap.
 */
import { readFileSync } from 'node:fs';

/** The help of one command as printed at width 80 and without any wrapping. */
export interface HelpPage {
  /** At 80 columns: a pipe, a file, or an 80-column terminal. */
  readonly w80: string;
  /** Unwrapped: what any terminal at least `wideFrom` columns wide shows. */
  readonly wide: string;
  readonly wideFrom: number;
}

/** Command words joined by one space ("" for the program) → its help. */
export type HelpPages = Readonly<Record<string, HelpPage>>;

const HELP_FLAGS = new Set(['--help', '-h']);

/** Where stdout goes: commander wraps help to a terminal's width, to 80 otherwise. */
export interface HelpTarget {
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/**
 * The text commander would print for `args` (argv without node and script), or undefined
 * when the line is not just command words followed by one help flag. `pages` is read
 * only when the line ends with a help flag.
 */
export function fastHelp(
  args: readonly string[],
  target: HelpTarget,
  pages: () => HelpPages | undefined,
): string | undefined {
  const last = args.at(-1);
  if (last === undefined || !HELP_FLAGS.has(last)) return undefined;
  const words = args.slice(0, -1);
  if (words.some((w) => w.startsWith('-'))) return undefined;
  const page = pages()?.[words.join(' ')];
  if (page === undefined) return undefined;
  const width = target.isTTY === true ? (target.columns ?? 80) : 80;
  if (width === 80) return page.w80;
  return width >= page.wideFrom ? page.wide : undefined;
}

/** The pages the build wrote beside this module, or undefined when they are missing or unreadable. */
export function builtHelpPages(): HelpPages | undefined {
  try {
    return JSON.parse(
      readFileSync(new URL('./help-pages.json', import.meta.url), 'utf8'),
    ) as HelpPages;
  } catch {
    return undefined;
  }
}
