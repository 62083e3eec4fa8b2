/**
 * The daemon's local admin API: every operation at POST /v1/ops/<name>, on a Unix
 * socket only its owner can open (mode 0600 in a 0700 directory). The CLI uses it
 * whenever a daemon holds the store.
 */
import { chmodSync, rmSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Ctx } from '../context/context.js';
import { KgcError, problemOf } from '../errors/kgc-error.js';
import type { AnyOp } from '../ops/op.js';
import { executeOp } from './execute.js';
import { staleSocketAt, type SocketPlace } from './socket-path.js';

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

/** Whether something accepts connections on the socket (a daemon that still runs). */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ path });
    const done = (answers: boolean) => {
      c.destroy();
      resolve(answers);
    };
    c.setTimeout(1_000, () => done(false));
    c.once('connect', () => done(true));
    c.once('error', () => done(false));
  });
}

/** Sets the process umask, or does nothing where it cannot be set (a worker thread). */
function swapUmask(mask: number): number | undefined {
  try {
    return process.umask(mask);
  } catch {
    return undefined;
  }
}

/**
 * Binds the admin API where prepareSocketPlace decided. A stale socket is replaced, a
 * live one is refused; the socket is created under umask 077 (never reachable by others,
 * not even for a moment) and then set to 0600. A private directory goes when the app closes.
 */
export async function listenOnSocket(app: FastifyInstance, place: SocketPlace): Promise<void> {
  const { path, privateDir } = place;
  if (privateDir)
    app.addHook('onClose', async () => rmSync(privateDir, { recursive: true, force: true }));
  if (staleSocketAt(path)) {
    if (await socketAnswers(path))
      throw new KgcError('invalid_config', `another process already listens on ${path}`);
    unlinkSync(path);
  }
  await app.ready();
  const before = swapUmask(0o077);
  try {
    await app.listen({ path });
  } finally {
    if (before !== undefined) process.umask(before);
  }
  chmodSync(path, 0o600);
}
