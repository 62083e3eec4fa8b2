/**
 * The daemon's local admin API: every operation at POST /v1/ops/<name>, on a Unix
 * socket only its owner can open (mode 0600 in a 0700 directory). The CLI uses it
 * whenever a daemon holds the store.
 */
import { chmodSync, unlinkSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Ctx } from '../context/context.js';
import { KgcError, problemOf } from '../errors/kgc-error.js';
import type { AnyOp } from '../ops/op.js';
import { executeOp } from './execute.js';

export interface AdminDeps {
  ctx: Ctx;
  ops: readonly AnyOp[];
  /** Runs before an operation (e.g. flush the audit buffer before reading the audit log). */
  beforeOp?: (op: AnyOp) => Promise<void>;
  /** Runs after an operation succeeded, before the answer (drop caches at once, not a few ms later). */
  afterOp?: (op: AnyOp, output: unknown) => Promise<void> | void;
  info: () => Record<string, unknown>;
}

const ACTOR_RE = /^[\w.@:+-]{1,120}$/;

export async function buildAdminApp(deps: AdminDeps): Promise<FastifyInstance> {
  const byName = new Map(deps.ops.map((op) => [op.name, op]));
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  app.get('/v1/info', async () => deps.info());

  app.post<{ Params: { name: string }; Body: unknown }>('/v1/ops/:name', async (req, reply) => {
    const op = byName.get(req.params.name);
    const actorHeader = req.headers['x-kgc-actor'];
    const actor =
      typeof actorHeader === 'string' && ACTOR_RE.test(actorHeader) ? actorHeader : 'admin-api';
    try {
      if (!op) throw new KgcError('not_found', `no operation ${req.params.name}`);
      await deps.beforeOp?.(op);
      const output = await executeOp({ ...deps.ctx, actor }, op, req.body);
      await deps.afterOp?.(op, output);
      return reply
        .code(200)
        .type('application/json')
        .send(JSON.stringify(output ?? null));
    } catch (err) {
      const e =
        err instanceof KgcError ? err : new KgcError('internal', 'internal error', { cause: err });
      if (e.code === 'internal')
        deps.ctx.logger.error({ err, op: req.params.name }, 'admin operation failed');
      return reply
        .code(e.status)
        .type('application/problem+json')
        .send(problemOf(e, req.url, String(req.id)));
    }
  });
  return app;
}

export async function listenOnSocket(app: FastifyInstance, socketPath: string): Promise<void> {
  try {
    unlinkSync(socketPath);
  } catch {
    /* none left over */
  }
  await app.listen({ path: socketPath });
  chmodSync(socketPath, 0o600);
}
