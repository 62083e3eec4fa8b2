/**
 * Errors as application/problem+json (RFC 9457) with a stable `code`. Expected
 * failures are KgcErrors; Fastify's own (validation, body size, bad JSON) are
 * mapped to catalogue codes; anything else is logged with the request id and
 * answered as a bare `internal` problem.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KgcError, problemOf } from '../errors/kgc-error.js';
import { translateStoreError } from '../store/store-errors.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** Response schemas every route shares for its error statuses. */
export const problemResponses = { '4xx': ProblemSchema, '5xx': ProblemSchema } as const;

export function toKgcError(err: FastifyError | Error): KgcError {
  if (err instanceof KgcError) return err;
  const fe = err as FastifyError & { validationContext?: string };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new KgcError('payload_too_large', 'the request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new KgcError('unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new KgcError('invalid_json', 'the body is not valid JSON');
    default:
      break;
  }
  if (fe.validation) {
    const where = fe.validationContext === 'params' ? 'invalid_id' : 'bad_request';
    return new KgcError(
      where,
      `${fe.validationContext ?? 'request'}: ${fe.message.replace(/^(params|querystring|body|headers)\/?/, '')}`,
    );
  }
  if (err instanceof SyntaxError || fe.statusCode === 400)
    return new KgcError('invalid_json', 'the body is not valid JSON');
  if (fe.statusCode === 413)
    return new KgcError('payload_too_large', 'the request body is larger than the limit');
  if (fe.statusCode === 415)
    return new KgcError('unsupported_media_type', 'send the body as application/json');
  // A store fault that reached here without the store's translation (a raw pg error).
  const fault = translateStoreError(err);
  if (fault instanceof KgcError) return fault;
  return new KgcError('internal', 'internal error', { cause: err });
}

export function sendProblem(
  req: FastifyRequest,
  reply: FastifyReply,
  error: KgcError,
): FastifyReply {
  for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
  // Every 429 says when to come back (RFC 9110 10.2.3), whoever raised it.
  if (error.status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(problemOf(error, req.url.split('?')[0], String(req.id)));
}

export function errorHandler(
  this: unknown,
  err: FastifyError,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const error = toKgcError(err);
  if (error.status >= 500 && error.code === 'internal') {
    req.log.error({ err, reqId: req.id }, 'request failed');
  } else if (error.code === 'store_unavailable' || error.code === 'storage_full') {
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    req.log.warn({ code: error.code, cause, reqId: req.id }, 'request refused: store fault');
  }
  return sendProblem(req, reply, error);
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    req,
    reply,
    new KgcError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
  );
}
