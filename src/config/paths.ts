import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
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
 * The admin socket of a data directory. When that path is too long for a Unix socket,
 * the daemon binds in a private directory instead (src/admin/socket-path.ts) and says
 * where in the data directory's lock file.
 */
export function adminSocketPath(dataDir: string): string {
  return join(dataDir, 'admin.sock');
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
