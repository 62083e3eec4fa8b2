/** What the CLI touches of its process: replaceable in tests. */
export interface CliIO {
  readonly env: NodeJS.ProcessEnv;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** The terminal's width when stdout is one (help wraps to it; 80 otherwise). */
  readonly stdoutColumns?: number | undefined;
  /** Set by a command that ends without an error but must not exit 0 (health). */
  exitCode: number | undefined;
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** Ctrl-C (SIGINT) calls `handler` instead of ending the process; returns the undo. For commands that run until stopped. */
  onInterrupt?(handler: () => void): () => void;
  /** SIGTERM and SIGINT call `handler` instead of ending the process; returns the undo. For the daemon. */
  onStop?(handler: (signal: NodeJS.Signals) => void): () => void;
}

export function processIO(): CliIO {
  return {
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutColumns: process.stdout.columns,
    exitCode: undefined,
    writeOut: (t) => {
      process.stdout.write(t);
    },
    writeErr: (t) => {
      process.stderr.write(t);
    },
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGINT', handler);
      };
    },
    onStop(handler) {
      process.on('SIGTERM', handler);
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
      };
    },
  };
}

/** An in-memory CliIO for tests: everything written is kept. */
export function recordingIO(
  env: NodeJS.ProcessEnv = {},
  tty = false,
  columns?: number,
): CliIO & { out: string; err: string; interrupt(): void } {
  const handlers = new Set<() => void>();
  const io = {
    env,
    stdoutIsTTY: tty,
    stdoutColumns: columns,
    stderrIsTTY: tty,
    stdinIsTTY: tty,
    out: '',
    err: '',
    exitCode: undefined as number | undefined,
    writeOut(t: string) {
      io.out += t;
    },
    writeErr(t: string) {
      io.err += t;
    },
    onInterrupt(handler: () => void) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
    /** As if the user pressed Ctrl-C. */
    interrupt() {
      for (const h of [...handlers]) h();
    },
  };
  return io;
}
