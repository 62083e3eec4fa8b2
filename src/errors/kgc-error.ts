import { CATALOGUE, isErrorCode, type ErrorCode } from './catalogue.js';

/** Extra, safe-to-show fields of a problem (RFC 9457 extension members). */
export type ProblemExtras = Record<string, string | number | boolean | null | readonly string[]>;

/**
 * The error every business function throws for an expected failure. Its message is
 * meant for the user; anything else thrown is a bug and is reported as `internal`.
 */
export class KgcError extends Error {
  readonly code: ErrorCode;
  readonly extras: ProblemExtras;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    opts: { extras?: ProblemExtras; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(
      detail ?? CATALOGUE[code].title,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.name = 'KgcError';
    this.code = code;
    this.extras = opts.extras ?? {};
    this.headers = opts.headers ?? {};
  }

  get status(): number {
    return CATALOGUE[this.code].status;
  }

  get exitCode(): number {
    return CATALOGUE[this.code].exit;
  }

  get hint(): string | undefined {
    return CATALOGUE[this.code].hint;
  }
}

export function isKgcError(err: unknown): err is KgcError {
  return err instanceof KgcError;
}

/** The problem+json document for an error; never includes internals of a 5xx. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  request_id?: string;
  [extra: string]: unknown;
}

export function problemOf(err: KgcError, instance?: string, requestId?: string): Problem {
  const spec = CATALOGUE[err.code];
  const problem: Problem = {
    ...err.extras,
    type: `urn:kgc-support:problem:${err.code}`,
    title: spec.title,
    status: spec.status,
    code: err.code,
    detail: err.message,
  };
  if (instance !== undefined) problem.instance = instance;
  if (requestId !== undefined) problem.request_id = requestId;
  return problem;
}

/** Rebuilds a KgcError from a problem document received from the admin API. */
export function errorFromProblem(p: {
  code?: unknown;
  detail?: unknown;
  [k: string]: unknown;
}): KgcError {
  const code = typeof p.code === 'string' && isErrorCode(p.code) ? p.code : 'internal';
  const detail = typeof p.detail === 'string' ? p.detail : undefined;
  const extras: ProblemExtras = {};
  for (const [k, v] of Object.entries(p)) {
    if (['type', 'title', 'status', 'code', 'detail', 'instance', 'request_id'].includes(k))
      continue;
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
      extras[k] = v as string | number | boolean | null;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) extras[k] = v;
  }
  return new KgcError(code, detail, { extras });
}
