/**
 * Progress for long commands (listr2), always on stderr: the live renderer on a
 * terminal, one line per change otherwise (logs, CI), nothing with --json or --quiet.
 * Colours follow the command's Output (NO_COLOR, --no-color). Imported lazily.
 */
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { createWritable, Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import type { CliIO } from './io.js';
import type { Output } from './output.js';

export interface Progress<C> {
  run(): Promise<C>;
}

export function progress<C extends object>(
  io: CliIO,
  out: Output,
  quiet: boolean,
  tasks: ListrTask<C>[],
  ctx: C,
): Progress<C> {
  if (out.json || quiet)
    return new Listr<C, 'silent', 'silent'>(tasks, {
      ctx,
      renderer: 'silent',
      fallbackRenderer: 'silent',
      exitOnError: true,
    });
  if (io.stderrIsTTY && process.stderr.isTTY) {
    const logger = new ListrLogger({
      processOutput: new ProcessOutput(process.stderr, process.stderr),
    });
    return new Listr<C, 'default', 'simple'>(tasks, {
      ctx,
      renderer: 'default',
      fallbackRenderer: 'simple',
      exitOnError: true,
      rendererOptions: { logger, collapseSubtasks: false },
    });
  }
  const colour = out.style.bold('x') !== 'x';
  const sink = createWritable((chunk) =>
    io.writeErr(colour ? chunk : stripAnsi(chunk)),
  ) as unknown as NodeJS.WriteStream;
  const logger = new ListrLogger({
    processOutput: new ProcessOutput(sink, sink, { dump: [], leaveEmptyLine: false }),
  });
  return new Listr<C, 'simple', 'simple'>(tasks, {
    ctx,
    renderer: 'simple',
    fallbackRenderer: 'simple',
    exitOnError: true,
    rendererOptions: { logger },
  });
}
