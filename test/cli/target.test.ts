/** Which daemon a state command acts on (src/cli/target.ts): the rules, without a store. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { describeDaemon, resolveTarget, withDaemon } from '../../src/cli/target.js';
import { KgcError } from '../../src/errors/kgc-error.js';
import { tempRoot } from '../helpers/cli.js';

function franchises(...ids: string[]): string {
  const root = tempRoot();
  for (const id of ids) {
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'franchise.yaml'), `id: ${id}\n`);
  }
  return root;
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return err instanceof KgcError ? err.code : String(err);
  }
  return 'none';
};

describe('resolveTarget', () => {
  const root = franchises('pecs', 'bp');
  const io = (env: NodeJS.ProcessEnv = {}) =>
    recordingIO({ HOME: '/nonexistent', KGC_SUPPORT_FRANCHISES_DIR: root, ...env });

  it('--franchise, or KGC_SUPPORT_FRANCHISE: the socket in <franchise dir>/run, whatever local store is named', () => {
    expect(
      resolveTarget(io({ DATABASE_URL: 'postgres://x@db/kgc' }), { franchise: 'pecs' }),
    ).toEqual({
      kind: 'franchise',
      id: 'pecs',
      dir: join(root, 'pecs'),
      socket: join(root, 'pecs', 'run', 'admin.sock'),
    });
    expect(resolveTarget(io({ KGC_SUPPORT_FRANCHISE: 'bp' }), {})).toMatchObject({
      kind: 'franchise',
      id: 'bp',
    });
    expect(resolveTarget(io({ KGC_SUPPORT_FRANCHISE: 'bp' }), { franchise: 'pecs' })).toMatchObject(
      { id: 'pecs' },
    );
  });

  it('refuses an unknown franchise and an id that is not one (no path outside the directory)', () => {
    expect(codeOf(() => resolveTarget(io(), { franchise: 'gyor' }))).toBe('franchise_not_found');
    expect(codeOf(() => resolveTarget(io(), { franchise: '../pecs' }))).toBe('usage');
  });

  it('franchises installed and no target named: franchise_ambiguous (exit 2), listing them', () => {
    let err: unknown;
    try {
      resolveTarget(io(), {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KgcError);
    expect((err as KgcError).code).toBe('franchise_ambiguous');
    expect((err as KgcError).exitCode).toBe(2);
    expect((err as KgcError).extras.franchises).toEqual(['bp', 'pecs']);
    expect((err as KgcError).message).toContain(`installed in ${root} (bp, pecs)`);
  });

  it('an explicit local store is a target: --data-dir, KGC_SUPPORT_DATA_DIR, DATABASE_URL', () => {
    expect(resolveTarget(io(), { dataDir: '/tmp/d' })).toMatchObject({
      kind: 'local',
      config: { dataDir: '/tmp/d' },
    });
    expect(resolveTarget(io({ KGC_SUPPORT_DATA_DIR: '/tmp/e' }), {})).toMatchObject({
      kind: 'local',
    });
    expect(resolveTarget(io({ DATABASE_URL: 'postgres://x@db/kgc' }), {})).toMatchObject({
      kind: 'local',
    });
  });

  it('no franchise installed: the default local store, as before', () => {
    expect(
      resolveTarget(
        recordingIO({ HOME: '/nonexistent', KGC_SUPPORT_FRANCHISES_DIR: franchises() }),
        {},
      ),
    ).toMatchObject({ kind: 'local' });
  });
});

describe('the daemon that answered', () => {
  it('is named in messages and carried by JSON objects (lists stay arrays)', () => {
    const d = {
      franchise: 'pecs',
      socket: '/f/pecs/run/admin.sock',
      pid: 7,
      store: 'postgres db/kgc',
    };
    expect(describeDaemon(d)).toBe("franchise pecs's daemon (pid 7, store postgres db/kgc)");
    expect(describeDaemon({ local: '/d', socket: '/d/admin.sock', pid: 8, store: null })).toBe(
      'the daemon of /d (pid 8)',
    );
    expect(describeDaemon({ local: '/d', store: null })).toBe('the local store in /d');
    expect(withDaemon({ enabled: false }, d)).toEqual({ enabled: false, daemon: d });
    expect(withDaemon([1, 2], d)).toEqual([1, 2]);
  });
});
