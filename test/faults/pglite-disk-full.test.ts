/**
 * A full disk under the embedded store: its data directory on a small tmpfs,
 * filled to zero bytes free under load (see disk-full-scenario.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { mountSmallDisk, skipLoudly } from './disk.js';
import { diskFullScenario } from './disk-full-scenario.js';

const root = mkdtempSync(join(tmpdir(), 'kgc-fault-disk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a full disk under the PGlite data directory', () => {
  it('refuses with 507, fails /ready, loses nothing acknowledged, resumes when space returns', async () => {
    const disk = mountSmallDisk(join(root, 'disk'), 160);
    if (typeof disk === 'string') {
      skipLoudly('full disk under PGlite', disk);
      return;
    }
    try {
      await diskFullScenario({
        label: 'PGlite',
        disk,
        env: {
          KGC_SUPPORT_DATA_DIR: join(disk.dir, 'data'),
          KGC_SUPPORT_ADMIN_SOCKET: join(root, 'admin.sock'),
        },
        smallWritesMayCommit: true,
      });
    } finally {
      disk.unmount();
    }
  }, 300_000);
});
