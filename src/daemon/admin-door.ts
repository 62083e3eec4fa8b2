/**
 * The admin API, the CLI's door to a running daemon: every operation of the registry
 * (the admin page calls them through this same app), on a Unix socket only the
 * daemon's user can open (socket-path.ts). A daemon on an in-memory store (tests)
 * builds the app and opens no socket.
 */
import type { FastifyInstance } from 'fastify';
import { ALL_OPS } from '../admin/registry.js';
import { buildAdminApp, listenOnSocket } from '../admin/server.js';
import { adminSocketPath, prepareSocketPlace } from '../admin/socket-path.js';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { opHooks, type OpReactions } from './op-reactions.js';

export interface AdminDoor {
  readonly app: FastifyInstance;
  /** Where the socket listens; undefined without one. */
  readonly socketPath: string | undefined;
}

export async function openAdminDoor(
  ctx: Ctx,
  reactions: OpReactions,
  info: () => Record<string, unknown>,
  socket: boolean,
): Promise<AdminDoor> {
  const app = await buildAdminApp({ ctx, ops: ALL_OPS, ...opHooks(reactions), info });
  if (!socket) return { app, socketPath: undefined };
  const wanted = ctx.config.adminSocket;
  try {
    // Owner-only: its directory is the daemon user's and nobody else's to write.
    const place = prepareSocketPlace(wanted, {
      isDefault: wanted === adminSocketPath(ctx.config.dataDir),
    });
    await listenOnSocket(app, place);
    return { app, socketPath: place.path };
  } catch (err) {
    await app.close().catch(() => {});
    throw new KgcError(
      'invalid_config',
      `KGC_SUPPORT_ADMIN_SOCKET: cannot open the admin socket ${wanted} (${(err as Error).message})`,
      { cause: err },
    );
  }
}
