/**
 * The logger interface every module receives (pino's shape), and the list of
 * fields that are redacted wherever they appear, so a secret never reaches a log.
 */
export interface Logger {
  fatal(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  trace(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'key',
  'apiKey',
  'api_key',
  'secret',
  'secrets',
  'password',
  'token',
  'plaintext',
  '*.key',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.password',
  '*.token',
  '*.plaintext',
  'databaseUrl',
  'erpDatabaseUrl',
  'config.databaseUrl',
  'config.erpDatabaseUrl',
];

const noop = (): void => {};

/** A logger that drops everything (CLI commands run quietly unless asked). */
export const silentLogger: Logger = {
  fatal: noop,
  error: noop,
  warn: noop,
  info: noop,
  debug: noop,
  trace: noop,
  child: () => silentLogger,
};
