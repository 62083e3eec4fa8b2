import { pino, destination as pinoDestination, stdTimeFunctions, type Logger as PinoLogger } from 'pino';
import { REDACT_PATHS } from '../context/logger.js';

/** The daemon's structured log: JSON lines on stdout, secrets redacted wherever they appear. */
export function createDaemonLogger(level: string, destination?: NodeJS.WritableStream): PinoLogger {
  return pino({
    level,
    base: { service: 'kgc-support' },
    redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
    timestamp: stdTimeFunctions.isoTime,
  }, destination ?? pinoDestination({ dest: 1, sync: false }));
}
