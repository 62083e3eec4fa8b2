/** The CLI's logger: silent, or JSON lines on stderr with --verbose. Secrets are dropped. */
import { REDACT_PATHS, silentLogger, type Logger } from '../context/logger.js';
import type { CliIO } from './io.js';

const SECRET_KEYS = new Set(REDACT_PATHS.filter((p) => !p.includes('.') && !p.includes('[')));

function scrub(obj: object): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = SECRET_KEYS.has(k) ? '[Redacted]' : v;
  return out;
}

export function cliLogger(
  io: CliIO,
  verbose: boolean,
  bindings: Record<string, unknown> = {},
): Logger {
  if (!verbose) return silentLogger;
  const write = (level: string) => (obj: object | string, msg?: string) => {
    const fields = typeof obj === 'string' ? { msg: obj } : { ...scrub(obj), msg };
    io.writeErr(
      `${JSON.stringify({ level, time: new Date().toISOString(), ...bindings, ...fields })}\n`,
    );
  };
  return {
    fatal: write('fatal'),
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    trace: () => {},
    child: (b) => cliLogger(io, verbose, { ...bindings, ...b }),
  };
}
