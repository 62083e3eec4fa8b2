/**
 * Runs once before the suite: checks that the services the tests need are there,
 * and says loudly which are not (the tests that need them fail, never pass quietly);
 * builds the migrated PGlite image the in-memory test stores start from, and the
 * migrated PostgreSQL template their databases are cloned from.
 */
import pg from 'pg';
import { adminUrl, ensurePgTemplate } from './pg.js';
import { ensurePgliteImage } from './pglite-image.js';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  try {
    await client.connect();
    await client.query('SELECT 1');
    // Once, before the workers start: the migrated template the store databases are cloned from.
    await ensurePgTemplate();
  } catch (err) {
    process.stderr.write(
      `\n!!! PostgreSQL is not reachable at ${adminUrl()}: ${(err as Error).message}\n!!! The PostgreSQL half of the suite will fail. Start it (see .ci/run).\n\n`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  // Once, before the workers start: the migrated embedded store they all start from.
  await ensurePgliteImage();
}
