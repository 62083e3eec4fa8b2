/**
 * A real Redis image for the Docker tests, built offline from this host's own
 * redis-server and redis-cli (nothing can be pulled here), as pg-image.ts does for
 * PostgreSQL: the binaries, the shared libraries ldd names, busybox for /bin/sh. It
 * serves what the rendered stacks run: `sh -c 'exec redis-server --requirepass …'` and
 * the `redis-cli … ping` healthcheck. Each caller gets its own tag and removes it.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { BUSYBOX } from './docker.js';
import { sharedLibraries } from './pg-image.js';

export const REDIS_IMAGE = 'kgc-test/redis';
const BINARIES = ['/usr/bin/redis-server', '/usr/bin/redis-cli'];
const APPLETS = ['sh', 'grep', 'cat', 'echo', 'sleep', 'true', 'false', 'ls'];

export function redisImageUnavailable(): string | undefined {
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (install busybox-static)`;
  const missing = BINARIES.filter((b) => !existsSync(b));
  return missing.length > 0 ? `${missing.join(', ')} missing (install redis-server)` : undefined;
}

export interface RedisImage {
  readonly image: string;
  readonly tag: string;
  remove(): Promise<void>;
}

export async function buildRedisImage(): Promise<RedisImage> {
  const why = redisImageUnavailable();
  if (why) throw new Error(why);
  const tag = `t${randomBytes(4).toString('hex')}`;
  const stage = mkdtempSync(join(tmpdir(), 'kgc-redis-rootfs-'));
  const root = join(stage, 'rootfs');
  try {
    for (const f of [...BINARIES, ...(await sharedLibraries(BINARIES))]) {
      if (!existsSync(f)) continue;
      mkdirSync(join(root, dirname(f)), { recursive: true });
      copyFileSync(f, join(root, f));
    }
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
    for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
    mkdirSync(join(root, 'data'));
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    const tar = join(stage, 'rootfs.tar');
    await execa('tar', ['-C', root, '--numeric-owner', '-cf', tar, '.']);
    await execa('docker', [
      'import',
      '--change',
      'ENV PATH=/usr/bin:/bin',
      '--change',
      'WORKDIR /data',
      '--change',
      'EXPOSE 6379',
      '--change',
      'CMD ["redis-server", "--protected-mode", "no"]',
      tar,
      `${REDIS_IMAGE}:${tag}`,
    ]);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return {
    image: REDIS_IMAGE,
    tag,
    async remove() {
      await execa('docker', ['rmi', '-f', `${REDIS_IMAGE}:${tag}`], { reject: false });
    },
  };
}
