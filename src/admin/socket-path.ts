import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Unix socket paths are limited to about 100 bytes; deep data directories fall back to the temp dir. */
export function adminSocketPath(dataDir: string): string {
  const inDir = join(dataDir, 'admin.sock');
  if (Buffer.byteLength(inDir) < 100) return inDir;
  return join(tmpdir(), `kgc-support-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}
