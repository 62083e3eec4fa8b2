import {
  pino,
  destination as pinoDestination,
  stdTimeFunctions,
  type Logger as PinoLogger,
} from 'pino';
import type { Config } from '../config/settings.js';
import { colorWanted } from '../context/color.js';
import { REDACT_PATHS, type Logger } from '../context/logger.js';

/** The daemon's structured log: JSON lines on stdout, secrets redacted wherever they appear. */
export function createDaemonLogger(level: string, destination?: NodeJS.WritableStream): PinoLogger {
  return pino(
    {
      level,
      base: { service: 'kgc-support' },
      redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
      timestamp: stdTimeFunctions.isoTime,
    },
    destination ?? pinoDestination({ dest: 1, sync: false }),
  );
}

/**
 * Where the log goes: JSON lines on stdout, or, for a person at a terminal (or
 * KGC_SUPPORT_LOG_FORMAT=pretty), one readable line per entry through pino-pretty, coloured
 * by the CLI's own rule (NO_COLOR, FORCE_COLOR, TERM=dumb). Redaction happens before either.
 */
export async function logDestination(
  format: 'auto' | 'json' | 'pretty',
  env: NodeJS.ProcessEnv,
  stdoutIsTTY: boolean,
  out: number | NodeJS.WritableStream = 1,
): Promise<NodeJS.WritableStream | undefined> {
  if (format === 'json' || (format === 'auto' && !stdoutIsTTY)) return undefined;
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize: colorWanted({ env, stdoutIsTTY }, {}),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
    destination: out,
    sync: true,
  });
}

/** The daemon's pino logger (given, or made from the settings) and the same as the Logger every part receives. */
export async function daemonLoggers(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  given: PinoLogger | undefined,
): Promise<{ pino: PinoLogger; logger: Logger }> {
  const pino =
    given ??
    createDaemonLogger(
      config.logLevel,
      await logDestination(config.logFormat, process.env, process.stdout.isTTY === true),
    );
  return { pino, logger: pino as unknown as Logger };
}
