/**
 * A full disk under PostgreSQL's data directory: a throwaway cluster (initdb,
 * pg_ctl as the postgres user) on a small tmpfs, filled to zero bytes free under
 * load (see disk-full-scenario.ts). PostgreSQL answers 53100 disk_full.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { mountSmallDisk, skipLoudly } from './disk.js';
import { diskFullScenario } from './disk-full-scenario.js';
import { startPgCluster } from './pg-cluster.js';

const root = mkdtempSync(join(tmpdir(), 'kgc-fault-pgdisk-'));
chmodSync(root, 0o755); // the postgres user walks through it to its data directory
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a full disk under PostgreSQL's data directory", () => {
  it('refuses with 507, fails /ready, loses nothing acknowledged, resumes when space returns', async () => {
    const disk = mountSmallDisk(join(root, 'disk'), 128);
    if (typeof disk === 'string') {
      skipLoudly('full disk under PostgreSQL', disk);
      return;
    }
    try {
      const cluster = await startPgCluster(disk.dir);
      if (typeof cluster === 'string') {
        skipLoudly('full disk under PostgreSQL', cluster);
        return;
      }
      try {
        await diskFullScenario({
          label: 'PostgreSQL',
          disk,
          env: { KGC_SUPPORT_DATA_DIR: join(root, 'data'), DATABASE_URL: cluster.url },
          smallWritesMayCommit: true,
        });
      } finally {
        cluster.stop();
      }
    } finally {
      disk.unmount();
    }
  }, 300_000);
});
