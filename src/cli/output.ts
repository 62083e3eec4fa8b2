/**
 * One output for every command. In --json mode stdout carries only the result (one
 * JSON document); messages and progress go to stderr. Colour only on a terminal,
 * never with NO_COLOR or --no-color.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { CliIO } from './io.js';

export interface Style {
  bold: (s: string) => string;
  dim: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  red: (s: string) => string;
  cyan: (s: string) => string;
}

/** A Style over a chalk instance: level 0 leaves text as it is, level 1 is the 16 basic colours. */
function styleOf(c: ChalkInstance): Style {
  return {
    bold: (s) => c.bold(s),
    dim: (s) => c.dim(s),
    green: (s) => c.green(s),
    yellow: (s) => c.yellow(s),
    red: (s) => c.red(s),
    cyan: (s) => c.cyan(s),
  };
}
// Whether to colour is decided by colorWanted (our flags, NO_COLOR, the command's own
// stdout), never by chalk's own look at process.stdout: so the level is set, not detected.
const plain = styleOf(new Chalk({ level: 0 }));
const colored = styleOf(new Chalk({ level: 1 }));

export interface OutputOptions {
  json: boolean;
  color: boolean;
  quiet: boolean;
}

export interface Output {
  readonly json: boolean;
  readonly style: Style;
  readonly io: CliIO;
  /** The command's result: JSON in --json mode, else the text. */
  result(data: unknown, text: () => string): void;
  /** A line for people on stderr (suppressed by --quiet). */
  info(message: string): void;
  /** A success line on stderr. */
  success(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export { colorWanted } from '../context/color.js';

export function createOutput(io: CliIO, opts: OutputOptions): Output {
  const style = opts.color ? colored : plain;
  return {
    json: opts.json,
    style,
    io,
    result(data, text) {
      if (opts.json) io.writeOut(`${JSON.stringify(data, null, 2)}\n`);
      else {
        const t = text();
        if (t !== '') io.writeOut(t.endsWith('\n') ? t : `${t}\n`);
      }
    },
    info(message) {
      if (!opts.quiet) io.writeErr(`${message}\n`);
    },
    success(message) {
      if (!opts.quiet) io.writeErr(`${style.green('✔')} ${message}\n`);
    },
    warn(message) {
      io.writeErr(`${style.yellow('!')} ${message}\n`);
    },
    error(message) {
      io.writeErr(`${style.red('✖')} ${message}\n`);
    },
  };
}

/** A plain text table: left-aligned columns, a header, two spaces apart. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  style: Style = plain,
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [style.bold(line(headers)), ...rows.map(line)].join('\n');
}
