/**
 * The pure part of `upgrade`: versions compared as semver, what an upgrade from one
 * version to another is to do (or why it refuses), and the keep rule of the backups it
 * takes before each upgrade.
 */

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The pre-release identifiers (1.2.0-rc.1 → ['rc', '1']); none for a release. */
  readonly pre: readonly string[];
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

/** "1.2.3", "v1.2.3-rc.1+build": the version; anything else (latest, pg16): undefined. */
export function parseVersion(text: string): Version | undefined {
  const m = SEMVER.exec(text.trim());
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    pre: m[4] === undefined ? [] : m[4].split('.'),
  };
}

function comparePre(a: readonly string[], b: readonly string[]): number {
  // A release ranks above its pre-releases (1.0.0-rc.1 < 1.0.0).
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (nx !== ny) {
      return nx ? -1 : 1; // numeric identifiers rank below alphanumeric ones
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Semver precedence: negative when a is older, 0 when equal, positive when newer. */
export function compareVersions(a: Version, b: Version): number {
  return (
    Math.sign(a.major - b.major) ||
    Math.sign(a.minor - b.minor) ||
    Math.sign(a.patch - b.patch) ||
    Math.sign(comparePre(a.pre, b.pre))
  );
}

/** What the daemon runs now and what it is to run: an image and the version it holds. */
export interface ImageVersion {
  readonly image: string;
  /** The image's content (sha256:…), when the engine has it. */
  readonly id: string | undefined;
  /** Its version (label org.opencontainers.image.version, else a semver tag), when it tells one. */
  readonly version: string | undefined;
}

export type Decision =
  | { readonly action: 'upgrade'; readonly why: string }
  | { readonly action: 'up_to_date'; readonly why: string }
  | { readonly action: 'refuse'; readonly why: string };

/**
 * From → to. `from` undefined: no daemon container and no rendered image (never started),
 * upgraded all the same. A version that cannot be read is not compared: the upgrade goes
 * ahead, and says so.
 */
export function decide(from: ImageVersion | undefined, to: ImageVersion): Decision {
  if (!from) return { action: 'upgrade', why: `no daemon has run yet; ${describe(to)} will` };
  if (from.id !== undefined && from.id === to.id)
    return { action: 'up_to_date', why: `the daemon already runs ${describe(to)}` };
  const a = from.version === undefined ? undefined : parseVersion(from.version);
  const b = to.version === undefined ? undefined : parseVersion(to.version);
  if (!a || !b)
    return {
      action: 'upgrade',
      why: `${describe(from)} → ${describe(to)} (a version is not known: not compared)`,
    };
  const c = compareVersions(b, a);
  if (c < 0)
    return {
      action: 'refuse',
      why: `${describe(to)} is older than the ${from.version} the daemon runs (${from.image}): upgrade never goes backwards; to return to an older version, restore a backup (docs/installation.md, "Rollback")`,
    };
  if (c === 0)
    return {
      action: 'upgrade',
      why: `${describe(from)} → ${describe(to)} (the same version, another build)`,
    };
  return { action: 'upgrade', why: `${describe(from)} → ${describe(to)}` };
}

function describe(i: ImageVersion): string {
  return i.version === undefined ? i.image : `${i.version} (${i.image})`;
}

/** How many pre-upgrade backups each franchise keeps, unless --keep says otherwise. */
export const DEFAULT_KEEP = 3;

const UPGRADE_BACKUP = /^upgrade-(.+)-to-(.+)-(\d{8}T\d{6}Z)\.dump$/;

/** The backup taken before an upgrade: named for the version it holds and the one that follows. */
export function upgradeBackupName(from: string | undefined, to: string, stamp: string): string {
  const safe = (v: string) => v.replace(/[^0-9A-Za-z.+_]/g, '_');
  return `upgrade-${safe(from ?? 'unknown')}-to-${safe(to)}-${stamp}.dump`;
}

export interface UpgradeBackup {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly stamp: string;
}

/** The pre-upgrade backups among a directory's file names (other files, manual backups too, are not). */
export function upgradeBackups(names: readonly string[]): UpgradeBackup[] {
  return names
    .flatMap((name) => {
      const m = UPGRADE_BACKUP.exec(name);
      return m ? [{ name, from: m[1] as string, to: m[2] as string, stamp: m[3] as string }] : [];
    })
    .sort((a, b) =>
      a.stamp === b.stamp ? b.name.localeCompare(a.name) : a.stamp < b.stamp ? 1 : -1,
    );
}

/** The keep rule: the newest `keep` pre-upgrade backups stay, the older ones go. Newest first. */
export function prunable(names: readonly string[], keep: number): UpgradeBackup[] {
  return upgradeBackups(names).slice(Math.max(1, keep));
}
