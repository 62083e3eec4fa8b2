/**
 * The PostgreSQL image the Docker tests use for the `postgres` image key
 * (test/helpers/pg-image.ts) keeps the official image's contract: it initialises from
 * POSTGRES_USER/PASSWORD/DB, takes password connections from outside the container,
 * refuses a wrong password, has the client tools on PATH, stops at once on SIGTERM and
 * keeps its data across a restart.
 */
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerUnavailable, pollFor } from '../helpers/docker.js';
import { buildPostgresImage, pgImageUnavailable, type PostgresImage } from '../helpers/pg-image.js';

const skip = (await dockerUnavailable()) ?? pgImageUnavailable();
if (skip) console.warn(`\n!!! SKIP PostgreSQL image tests: ${skip}\n`);

describe.skipIf(skip !== undefined)('the PostgreSQL test image', { timeout: 300_000 }, () => {
  let image: PostgresImage;
  const name = `kgc-pg-test-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  let port = '';
  const url = (pw = password) => `postgres://app:${encodeURIComponent(pw)}@127.0.0.1:${port}/appdb`;

  async function query(sql: string, pw?: string): Promise<pg.QueryResult> {
    const c = new pg.Client({ connectionString: url(pw), connectionTimeoutMillis: 10_000 });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  }

  const ready = () =>
    pollFor(
      'PostgreSQL to accept password connections on the published port',
      120_000,
      async () => (await query('SELECT 1 AS one')).rows[0],
      300,
    );

  beforeAll(async () => {
    image = await buildPostgresImage();
    await execa('docker', [
      'run',
      '-d',
      '--name',
      name,
      '-e',
      'POSTGRES_USER=app',
      '-e',
      `POSTGRES_PASSWORD=${password}`,
      '-e',
      'POSTGRES_DB=appdb',
      '-p',
      '127.0.0.1::5432',
      image.ref,
    ]);
    port =
      (await execa('docker', ['port', name, '5432/tcp'])).stdout
        .trim()
        .split('\n')[0]
        ?.split(':')
        .pop() ?? '';
  }, 300_000);

  afterAll(async () => {
    await execa('docker', ['rm', '-f', '-v', name], { reject: false });
    await image?.remove();
  });

  it('initialises from the env and takes password connections from the host', async () => {
    await ready();
    const r = await query(
      'SELECT current_user AS u, current_database() AS d, (SELECT usesuper FROM pg_user WHERE usename = current_user) AS su',
    );
    expect(r.rows[0]).toEqual({ u: 'app', d: 'appdb', su: true });
    await expect(query('SELECT 1', 'wrong')).rejects.toThrow(/password authentication failed/);
  });

  it('runs as a non-root user with the client tools and the compose healthcheck on PATH', async () => {
    expect((await execa('docker', ['exec', name, 'id', '-u'])).stdout.trim()).toBe('999');
    const health = await execa(
      'docker',
      ['exec', name, '/bin/sh', '-c', 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
      { reject: false },
    );
    expect(health.exitCode, health.stdout + health.stderr).toBe(0);
    for (const tool of ['psql', 'pg_dump', 'pg_restore']) {
      const v = await execa('docker', ['exec', name, tool, '--version'], { reject: false });
      expect(v.exitCode, `${tool}: ${v.stderr}`).toBe(0);
    }
    const dump = await execa(
      'docker',
      ['exec', name, 'pg_dump', '-U', 'app', '-d', 'appdb', '--schema-only'],
      { reject: false },
    );
    expect(dump.exitCode, dump.stderr).toBe(0);
  });

  it('stops at once on SIGTERM and keeps its data across a restart', async () => {
    await ready();
    await query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    const t0 = Date.now();
    await execa('docker', ['stop', '-t', '60', name]);
    const stopped = Date.now() - t0;
    // A fast shutdown takes well under a second idle; 30 s rules out waiting for the 60 s kill.
    expect(stopped).toBeLessThan(30_000);
    expect(
      (await execa('docker', ['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim(),
    ).toBe('0');
    await execa('docker', ['start', name]);
    port =
      (await execa('docker', ['port', name, '5432/tcp'])).stdout
        .trim()
        .split('\n')[0]
        ?.split(':')
        .pop() ?? '';
    await ready();
    expect((await query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    expect(
      (await execa('docker', ['logs', name])).stdout +
        (await execa('docker', ['logs', name])).stderr,
    ).toMatch(/database system was shut down at/);
  });
});
