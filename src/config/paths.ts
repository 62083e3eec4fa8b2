import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (where package.json, templates/ and compose/ live). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('kgc-support: cannot find the package root');
}

/**
 * The default data directory: $XDG_DATA_HOME/kgc-support on Linux,
 * ~/Library/Application Support/kgc-support on macOS, %LOCALAPPDATA% on Windows.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'kgc-support');
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'kgc-support', 'Data');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'kgc-support');
}

/**
 * The admin socket of a data directory. Unix socket paths are limited to about 100
 * bytes; deep data directories fall back to the temp dir.
 */
export function adminSocketPath(dataDir: string): string {
  const inDir = join(dataDir, 'admin.sock');
  if (Buffer.byteLength(inDir) < 100) return inDir;
  return join(
    tmpdir(),
    `kgc-support-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`,
  );
}

/**
 * The default franchises directory: fixed, never relative to the working directory, so cron,
 * Nagios and systemd find the franchises from anywhere. Root (a server) uses
 * /var/lib/kgc-support/franchises; anyone else the franchises folder of their data directory.
 */
export function defaultFranchisesDir(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  return uid === 0 ? '/var/lib/kgc-support/franchises' : join(defaultDataDir(env), 'franchises');
}
