/**
 * The migrated embedded store as an image, built once for the whole suite. initdb in
 * WASM costs 3–5 s of CPU, and the suite opens dozens of in-memory stores on two
 * cores; each now starts from this image in about a second, then runs the real
 * migration step (which finds every migration applied). Fresh clusters are still
 * created where that is what a test is about (migrations.test.ts, every daemon with
 * a data directory).
 *
 * The image lives in the OS temp directory, named by a hash of the migrations and the
 * PGlite version, so a changed migration builds a new one.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/context/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { storeMigrations } from '../../src/store/open.js';
import { pgliteImage as imageOf } from '../../src/store/pglite.js';

const PREFIX = 'kgc-test-pglite-';

function imagePath(): string {
  const h = createHash('sha256');
  h.update(
    readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)),
  );
  const { dir } = storeMigrations();
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return join(tmpdir(), `${PREFIX}${h.digest('hex').slice(0, 16)}.tar`);
}

/** Builds the image unless it is there; returns its path. Safe to run from several processes at once. */
export async function ensurePgliteImage(): Promise<string> {
  const path = imagePath();
  if (existsSync(path)) return path;
  const image = await imageOf(async (db) => {
    await migrate(db, storeMigrations(), silentLogger);
  });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
  renameSync(partial, path);
  // Images of other migration sets are of no further use once a day old; a younger one
  // may belong to another checkout's test run on this machine (a worktree on another
  // branch), which would lose its image in the middle of the run.
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const f of readdirSync(tmpdir())) {
    const other = join(tmpdir(), f);
    if (!f.startsWith(PREFIX) || other === path || f.endsWith('.partial')) continue;
    if ((statSync(other, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < dayAgo)
      rmSync(other, { force: true });
  }
  return path;
}

let cached: Promise<Blob> | undefined;

/** The image, read once per test process. */
export function pgliteImage(): Promise<Blob> {
  cached ??= ensurePgliteImage().then((path) => new Blob([readFileSync(path)]));
  return cached;
}
