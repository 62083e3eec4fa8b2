/**
 * The one colour rule, for the CLI's output and the daemon's readable log alike:
 * never with --no-color, --json or NO_COLOR; always with FORCE_COLOR (other than 0);
 * otherwise only on a terminal that is not TERM=dumb.
 */
export function colorWanted(
  io: { env: NodeJS.ProcessEnv; stdoutIsTTY: boolean },
  flags: { color?: boolean; json?: boolean },
): boolean {
  if (flags.json || flags.color === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdoutIsTTY && io.env.TERM !== 'dumb';
}
