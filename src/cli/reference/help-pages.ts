/**
 * The help of every command, as commander prints it for `--help`, for the fast path in
 * bin (see ../help-fast.ts). Written at build time into dist/cli/help-pages.json;
 * test/cli/help-fast.test.ts checks each page against commander's own output.
 */
import type { Command } from 'commander';
import type { HelpPage, HelpPages } from '../help-fast.js';

/** Wide enough that commander wraps nothing in our help texts. */
const UNWRAPPED = 10_000;

function helpAt(cmd: Command, width: number): string {
  const saved = cmd.configureOutput();
  let text = '';
  cmd.configureOutput({ ...saved, writeOut: (s) => (text += s), getOutHelpWidth: () => width });
  try {
    cmd.outputHelp();
  } finally {
    cmd.configureOutput(saved);
  }
  return text;
}

function page(cmd: Command): HelpPage {
  const wide = helpAt(cmd, UNWRAPPED);
  const wideFrom = Math.max(...wide.split('\n').map((l) => l.length));
  return { w80: helpAt(cmd, 80), wide, wideFrom };
}

/** Every command of `program`, the program itself as "", by its words. */
export function helpPages(program: Command): HelpPages {
  const pages: Record<string, HelpPage> = {};
  const walk = (cmd: Command, path: readonly string[]) => {
    pages[path.join(' ')] = page(cmd);
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return pages;
}
