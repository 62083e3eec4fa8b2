/** The installer renders KGC_API_KEY for the Support system; the daemon accepts it from its first start. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { generateKey } from '../../src/keys/key-format.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kgc-boot-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('daemon bootstrap key', () => {
  it('imports KGC_API_KEY at start and serves it; a restart does not duplicate it', async () => {
    const key = generateKey(cryptoRandom);
    const config = loadConfig({
      KGC_SUPPORT_DATA_DIR: dataDir,
      KGC_SUPPORT_PORT: '0',
      KGC_API_KEY: key,
    });
    for (let boot = 0; boot < 2; boot++) {
      const d = await startDaemon({ config, logger: silentLogger as never, demo: boot === 0 });
      try {
        const res = await fetch(`${d.url}/api/service/worklogs/M-2025-0123/status`, {
          headers: { 'x-api-key': key },
        });
        expect(res.status).toBe(200);
        const { rows } = await d.ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM kgc_support.api_keys WHERE created_by = 'env:KGC_API_KEY'`,
        );
        expect(rows[0]?.n).toBe(1);
      } finally {
        await d.close();
      }
    }
  });

  it('refuses to start with a malformed KGC_API_KEY', async () => {
    const config = loadConfig({
      KGC_SUPPORT_DATA_DIR: dataDir,
      KGC_SUPPORT_PORT: '0',
      KGC_API_KEY: 'secret_key_here',
    });
    const refusal = startDaemon({ config, logger: silentLogger as never });
    await expect(refusal).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(refusal).rejects.toThrow(/KGC_API_KEY: is not a kgc_ API key/);
  });
});
