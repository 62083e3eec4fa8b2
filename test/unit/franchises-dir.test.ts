/** The franchises directory does not depend on the working directory (cron, Nagios, systemd run from /). */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { defaultFranchisesDir } from '../../src/config/paths.js';
import { franchisesRoot } from '../../src/franchise/franchise.store.js';

describe('franchises directory', () => {
  it('defaults to /var/lib/kgc-support/franchises for root, else $XDG_DATA_HOME/kgc-support/franchises', () => {
    const dir = loadConfig({ HOME: '/home/anna', XDG_DATA_HOME: '/home/anna/.data' }).franchisesDir;
    if (process.getuid?.() === 0) expect(dir).toBe('/var/lib/kgc-support/franchises');
    else expect(dir).toBe('/home/anna/.data/kgc-support/franchises');
  });

  it('root and everyone else, whoever runs the tests', () => {
    expect(defaultFranchisesDir({ HOME: '/home/anna' }, 0)).toBe('/var/lib/kgc-support/franchises');
    expect(defaultFranchisesDir({ HOME: '/home/anna' }, 1000)).toBe(
      '/home/anna/.local/share/kgc-support/franchises',
    );
    expect(
      defaultFranchisesDir({ HOME: '/home/anna', XDG_DATA_HOME: '/home/anna/.data' }, 1000),
    ).toBe('/home/anna/.data/kgc-support/franchises');
  });

  it('KGC_SUPPORT_FRANCHISES_DIR, then --dir, win; the default is the same from any directory', () => {
    expect(
      loadConfig({ HOME: '/h', KGC_SUPPORT_FRANCHISES_DIR: '/srv/franchises' }).franchisesDir,
    ).toBe('/srv/franchises');
    const configured = loadConfig({ HOME: '/h' }).franchisesDir;
    expect(franchisesRoot(configured, undefined, '/')).toBe(
      franchisesRoot(configured, undefined, '/tmp'),
    );
    expect(franchisesRoot(configured, '/opt/f', '/tmp')).toBe('/opt/f');
  });

  it('the test run has its own (vitest sets KGC_SUPPORT_FRANCHISES_DIR), never /var/lib', () => {
    expect(process.env.KGC_SUPPORT_FRANCHISES_DIR).toMatch(/kgc-test-franchises-/);
    expect(loadConfig(process.env).franchisesDir).toBe(process.env.KGC_SUPPORT_FRANCHISES_DIR);
  });
});
