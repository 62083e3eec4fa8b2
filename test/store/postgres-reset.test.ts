/**
 * A PostgreSQL connection reset while a transaction holds its client (between two
 * statements, as the audit flush and the outbox drain do) must not end the process:
 * the checked-out client had no 'error' listener, so the reset was an unhandled
 * 'error' event (`Unhandled 'error' event … ECONNRESET`). After the database is back
 * the next query succeeds: the broken client was discarded, not handed out again.
 *
 * The database sits behind a TCP proxy written here, cut by resetting every socket.
 * Vitest fails the run on an uncaught exception, so "the process survives" is checked
 * by the run itself, besides the assertions.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/context/logger.js';
import type { Db } from '../../src/context/db.js';
import { openPostgres } from '../../src/store/postgres.js';
import { adminUrl, createDatabase } from '../helpers/pg.js';
import { until } from '../helpers/receiver.js';

/** A TCP proxy to PostgreSQL that can be cut (every socket reset) and restored. */
class PgProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    const target = new URL(adminUrl());
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
  }

  /** Resets every connection (RST, so the client sees ECONNRESET) and stops listening. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.resetAndDestroy();
    await closed;
  }
}

/** A logger that keeps its warnings, to wait on the signal instead of a sleep. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = (): void => {};
  const logger = {
    warnings,
    fatal: noop,
    error: noop,
    info: noop,
    debug: noop,
    trace: noop,
    warn: (obj: object | string, msg?: string) => {
      warnings.push(msg ?? (typeof obj === 'string' ? obj : JSON.stringify(obj)));
    },
    child: () => logger,
  };
  return logger;
}

describe('a PostgreSQL connection reset under a transaction', () => {
  const proxy = new PgProxy();
  const logger = recordingLogger();
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let db: Db;

  beforeAll(async () => {
    database = await createDatabase();
    await proxy.start();
    const url = new URL(database.url);
    url.host = `127.0.0.1:${proxy.port}`;
    db = await openPostgres({ url: url.toString(), poolMax: 2, logger, connectTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await db?.close().catch(() => {});
    await database?.drop();
  });

  it('fails the transaction, keeps the process, and serves the next query once the database is back', async () => {
    let reached!: () => void;
    const holding = new Promise<void>((r) => {
      reached = r;
    });
    let resume!: () => void;
    const resumed = new Promise<void>((r) => {
      resume = r;
    });
    const tx = db.tx(async (q) => {
      await q.query('SELECT 1');
      reached();
      await resumed; // the client is checked out and idle between statements, like the outbox drain
      await q.query('SELECT 2');
    });
    const outcome = tx.then(
      () => 'committed',
      (err: Error) => `failed: ${err.message}`,
    );

    await holding;
    await proxy.cut();
    await until(
      () => logger.warnings.some((w) => /during a transaction/.test(w)),
      15_000,
      'the reset to reach the checked-out client',
    );
    resume();
    expect(await outcome).toMatch(/^failed: /);

    await proxy.start(); // the same port
    const { rows } = await db.query<{ ok: number }>('SELECT 1 AS ok');
    expect(rows[0]?.ok).toBe(1);
    // And a transaction again, on a client that is not the broken one.
    expect(
      await db.tx(async (q) => (await q.query<{ n: number }>('SELECT 3 AS n')).rows[0]?.n),
    ).toBe(3);
  });
});
