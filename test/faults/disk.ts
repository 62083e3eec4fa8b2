/** A small tmpfs for full-disk tests, and a filler file that takes its free space. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

export interface SmallDisk {
  readonly dir: string;
  free(): number;
  /** Takes every free byte but `leave` with one file. */
  fill(leave?: number): void;
  /** Removes the filler: space returns. */
  unfill(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeMb` at `dir`; the reason when it cannot (not root, no mount). */
export function mountSmallDisk(dir: string, sizeMb: number): SmallDisk | string {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0777`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return `mount -t tmpfs failed: ${e.stderr?.toString().trim() || e.message}`;
  }
  const filler = join(dir, 'filler');
  const free = (): number => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    fill(leave = 0) {
      const n = free() - leave;
      if (n > 0) execFileSync('fallocate', ['-l', String(n), filler]);
    },
    unfill() {
      rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } catch {
        /* already gone */
      }
    },
  };
}

/** The line a skipped fault test prints: loud, with the reason. */
export function skipLoudly(test: string, reason: string): void {
  console.warn(`\n*** SKIP ${test}: ${reason} ***\n`);
}
