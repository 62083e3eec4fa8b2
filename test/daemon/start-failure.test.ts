/**
 * A daemon whose start fails exits non-zero after closing what it opened, and its
 * /health never passes: the real binary with an admin socket it cannot create (a
 * failure after the Pull API listens), the same in-process (the port is closed
 * after), a refusal before anything opens, and /health answering 503 while the
 * daemon is not serving.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../src/api/routes/health.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { BIN } from '../e2e/daemon-process.js';
import { refusedPort } from '../helpers/health.js';
import { createDatabase } from '../helpers/pg.js';

const root = mkdtempSync(join(tmpdir(), 'kgc-startfail-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A path whose parent is a regular file: the admin socket cannot be created there. */
function impossibleSocket(): string {
  const file = join(root, `not-a-dir-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, '');
  return join(file, 'admin.sock');
}

describe('a daemon whose start fails', () => {
  it('the real binary: exits non-zero, and /health never answered 200 while it ran', async () => {
    if (!existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build`');
    const db = await createDatabase('kgc_startfail');
    try {
      const proc = spawn(process.execPath, [BIN, 'serve'], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: root,
          KGC_SUPPORT_DATA_DIR: join(root, 'data'),
          DATABASE_URL: db.url,
          KGC_SUPPORT_PORT: '0',
          KGC_SUPPORT_LOG_LEVEL: 'info',
          KGC_SUPPORT_LOG_FORMAT: 'json',
          KGC_SUPPORT_ADMIN_SOCKET: impossibleSocket(),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      proc.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      let done = false;
      void exited.then(() => {
        done = true;
      });
      const answers: number[] = [];
      // Poll /health from the moment the API listens until the process is gone.
      const bound = Date.now() + 120_000;
      while (!done && Date.now() < bound) {
        const url = /Server listening at (http:\/\/[\d.:]+)/.exec(out)?.[1];
        if (url) {
          try {
            answers.push(
              (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).status,
            );
          } catch {
            /* closed or not yet: no answer */
          }
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      if (!done) proc.kill('SIGKILL');
      expect(done, `the daemon still runs 120 s later:\n${err}`).toBe(true);
      expect(await exited).toBe(2);
      expect(err).toMatch(/KGC_SUPPORT_ADMIN_SOCKET: cannot open the admin socket .*ENOTDIR/);
      expect(out).toMatch(/Server listening at/);
      expect(answers.filter((s) => s === 200)).toEqual([]);
    } finally {
      await db.drop();
    }
  }, 180_000);

  it('in-process: startDaemon rejects and its Pull API port is closed again', async () => {
    const db = await createDatabase('kgc_startfail');
    const port = await refusedPort();
    try {
      const config = loadConfig({
        KGC_SUPPORT_DATA_DIR: join(root, 'inproc'),
        DATABASE_URL: db.url,
        KGC_SUPPORT_PORT: String(port),
        KGC_SUPPORT_ADMIN_SOCKET: impossibleSocket(),
      });
      await expect(startDaemon({ config, logger: silentLogger as never })).rejects.toMatchObject({
        code: 'invalid_config',
      });
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
      // The lock is released too: a second start on the same directory gets as far as the socket again.
      await expect(startDaemon({ config, logger: silentLogger as never })).rejects.toThrow(
        /KGC_SUPPORT_ADMIN_SOCKET/,
      );
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('refuses before opening anything, with every problem listed', async () => {
    const dataDir = join(root, 'refused');
    const config = loadConfig({
      KGC_SUPPORT_DATA_DIR: dataDir,
      SUPPORT_WEBHOOK_SECRET: 'webhook_secret',
      KGC_SUPPORT_PUBLISH_KEY: 'kgc_short',
    });
    const refusal = startDaemon({ config, logger: silentLogger as never });
    await expect(refusal).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(refusal).rejects.toThrow(
      /SUPPORT_WEBHOOK_SECRET: .*\nKGC_SUPPORT_PUBLISH_KEY: is not a kgc_ API key/,
    );
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('/health while the daemon is not serving', () => {
  it('answers 503 with status fail, and /ready fails too; 200 once serving', async () => {
    let live = false;
    const app = Fastify();
    await app.register(healthRoutes, {
      metrics: createMetrics(),
      readiness: undefined,
      moduleEnabled: () => true,
      live: () => live,
    });
    try {
      const starting = await app.inject({ url: '/health' });
      expect([starting.statusCode, starting.json().status]).toEqual([503, 'fail']);
      expect((await app.inject({ url: '/ready' })).statusCode).toBe(503);
      live = true;
      const serving = await app.inject({ url: '/health' });
      expect([serving.statusCode, serving.json().status]).toEqual([200, 'pass']);
    } finally {
      await app.close();
    }
  });
});
