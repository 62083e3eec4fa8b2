/** upgrade's pure part: semver order, the decision (refusals included) and the keep rule of its backups. */
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  decide,
  parseVersion,
  prunable,
  upgradeBackupName,
  upgradeBackups,
  type ImageVersion,
} from '../../src/upgrade/plan.js';
import { versionOf } from '../../src/upgrade/images.js';

const v = (s: string) => {
  const x = parseVersion(s);
  if (!x) throw new Error(`not a version: ${s}`);
  return x;
};
const img = (image: string, version: string | undefined, id?: string): ImageVersion => ({
  image,
  id,
  version,
});

describe('versions', () => {
  it('orders by semver precedence, pre-releases below their release', () => {
    const sorted = [
      '1.0.0',
      '0.2.0',
      '0.10.0',
      '1.0.0-rc.1',
      '1.0.0-alpha',
      '1.0.0-rc.10',
      '0.1.0',
    ];
    expect([...sorted].sort((a, b) => compareVersions(v(a), v(b)))).toEqual([
      '0.1.0',
      '0.2.0',
      '0.10.0',
      '1.0.0-alpha',
      '1.0.0-rc.1',
      '1.0.0-rc.10',
      '1.0.0',
    ]);
    expect(compareVersions(v('v1.2.3+build.7'), v('1.2.3'))).toBe(0);
  });

  it('reads no version from what is not one', () => {
    for (const s of ['latest', 'pg16', '1.2', '01.2.3', ''])
      expect(parseVersion(s)).toBeUndefined();
  });

  it("an image's version: its label first, else a semver tag", () => {
    expect(versionOf('kgc-support:0.1.0', { 'org.opencontainers.image.version': '0.2.0' })).toBe(
      '0.2.0',
    );
    expect(versionOf('kgc-support:0.1.0', null)).toBe('0.1.0');
    expect(versionOf('registry.example.hu:5000/kgc-support', {})).toBeUndefined();
  });
});

describe('decide', () => {
  it('upgrades to a newer version', () => {
    const d = decide(
      img('kgc-support:0.1.0', '0.1.0', 'sha256:a'),
      img('kgc-support:0.2.0', '0.2.0', 'sha256:b'),
    );
    expect(d.action).toBe('upgrade');
    expect(d.why).toContain('0.1.0 (kgc-support:0.1.0) → 0.2.0 (kgc-support:0.2.0)');
  });

  it('refuses to go backwards, saying how to return to an older version instead', () => {
    const d = decide(
      img('kgc-support:0.2.0', '0.2.0', 'sha256:b'),
      img('kgc-support:0.1.0', '0.1.0', 'sha256:a'),
    );
    expect(d.action).toBe('refuse');
    expect(d.why).toContain('older than the 0.2.0 the daemon runs');
    expect(d.why).toContain('restore a backup');
    // A release candidate of the version the daemon runs is older too.
    expect(
      decide(img('x:1.0.0', '1.0.0', 'sha256:b'), img('x:1.0.0-rc.2', '1.0.0-rc.2', 'sha256:c'))
        .action,
    ).toBe('refuse');
  });

  it('has nothing to do when the daemon already runs that very image', () => {
    expect(
      decide(
        img('kgc-support:0.2.0', '0.2.0', 'sha256:b'),
        img('kgc-support:0.2.0', '0.2.0', 'sha256:b'),
      ).action,
    ).toBe('up_to_date');
  });

  it('goes ahead, saying so, when a version cannot be read or the daemon never ran', () => {
    const unknown = decide(
      img('kgc-support:dev', undefined, 'sha256:a'),
      img('kgc-support:0.2.0', '0.2.0', 'sha256:b'),
    );
    expect(unknown.action).toBe('upgrade');
    expect(unknown.why).toContain('not compared');
    expect(decide(undefined, img('kgc-support:0.2.0', '0.2.0', 'sha256:b')).action).toBe('upgrade');
    // Another build of the same version (a rebuilt image) is not backwards.
    expect(
      decide(img('a:0.2.0', '0.2.0', 'sha256:a'), img('b:0.2.0', '0.2.0', 'sha256:b')).why,
    ).toContain('another build');
  });
});

describe('the keep rule of pre-upgrade backups', () => {
  const names = [
    upgradeBackupName('0.1.0', '0.2.0', '20261201T010000Z'),
    upgradeBackupName('0.2.0', '0.3.0', '20261203T010000Z'),
    upgradeBackupName(undefined, '0.1.0', '20261130T010000Z'),
    upgradeBackupName('0.3.0', '0.4.0', '20261205T010000Z'),
    'kgc-support-budapest-1-20261101T000000Z.dump', // a manual backup: never the rule's
    '.upgrade-0.4.0-to-0.5.0-20261206T010000Z.dump.1.ab.partial',
  ];

  it('names a backup for the version it holds and the one that follows', () => {
    expect(names[0]).toBe('upgrade-0.1.0-to-0.2.0-20261201T010000Z.dump');
    expect(names[2]).toBe('upgrade-unknown-to-0.1.0-20261130T010000Z.dump');
    expect(upgradeBackups(names).map((b) => `${b.from}>${b.to}`)).toEqual([
      '0.3.0>0.4.0',
      '0.2.0>0.3.0',
      '0.1.0>0.2.0',
      'unknown>0.1.0',
    ]);
  });

  it('keeps the newest n and deletes the older ones, never a manual backup', () => {
    expect(prunable(names, 2).map((b) => b.name)).toEqual([
      'upgrade-0.1.0-to-0.2.0-20261201T010000Z.dump',
      'upgrade-unknown-to-0.1.0-20261130T010000Z.dump',
    ]);
    expect(prunable(names, 10)).toEqual([]);
    // At least the newest stays, whatever keep says.
    expect(prunable(names, 0).map((b) => b.from)).toEqual(['0.2.0', '0.1.0', 'unknown']);
  });
});
