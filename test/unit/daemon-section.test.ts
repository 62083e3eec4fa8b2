/**
 * franchise.yaml `daemon:` against the daemon's own settings: every setting is either
 * allowed there, a secret, or set by render from one named place; what the daemon's
 * building block sets is never also allowed in `daemon:` (two places for one value).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config/settings.js';
import {
  DAEMON_SECTION_SETTINGS,
  daemonSectionProblems,
  RENDER_OWNED_SETTINGS,
} from '../../src/franchise/daemon-settings.js';
import { parseFranchise } from '../../src/franchise/franchise.store.js';
import { environmentBlock } from '../../src/render/daemon-env.js';

const block = readFileSync(resolve(import.meta.dirname, '../../compose/kgc-support.yml'), 'utf8');
const secret = (env: string) =>
  Object.values(SETTINGS).some((s) => s.env === env && 'secret' in s && s.secret === true);

describe('franchise.yaml daemon:', () => {
  it("every variable the daemon's building block sets is a secret or owned by render, never a daemon: setting", () => {
    const settingVars = new Set(Object.values(SETTINGS).map((s) => s.env));
    const set = Object.keys(
      environmentBlock(`services:\n${block.replace(/^/gm, '  ')}`, 'kgc-support'),
    );
    expect(set.length).toBeGreaterThan(10);
    const loose = set
      .filter((v) => settingVars.has(v))
      .filter((v) => !secret(v) && RENDER_OWNED_SETTINGS[v] === undefined);
    expect(loose).toEqual([]);
    for (const v of set) expect(DAEMON_SECTION_SETTINGS.has(v), v).toBe(false);
  });

  it('allows the tuning a franchise needs, checked by the parser the daemon uses', () => {
    for (const v of [
      'KGC_SUPPORT_RATE_LIMIT_PUBLISH',
      'KGC_SUPPORT_EVENT_RETENTION',
      'KGC_SUPPORT_WEBHOOK_SCHEDULE',
      'KGC_SUPPORT_QUEUE',
      'KGC_SUPPORT_CACHE',
    ])
      expect(DAEMON_SECTION_SETTINGS.has(v), v).toBe(true);
    expect(
      daemonSectionProblems({ KGC_SUPPORT_EVENT_RETENTION: '30d', KGC_SUPPORT_CACHE: 'off' }),
    ).toEqual([]);
    expect(daemonSectionProblems({ KGC_SUPPORT_CACHE: 'maybe' })).toEqual([
      'daemon.KGC_SUPPORT_CACHE: "maybe" is not one of on, off',
    ]);
  });

  it('a franchise.yaml with a bad daemon: value is invalid, with every problem and where it is', () => {
    const yaml = `version: 1
id: t1
name: T
layout: profiles
support: { enabled: true, chatwoot_account_id: kgc-t1, knowledge_base_path: /kb/ }
ports: { erp_api: 1, daemon: 2, chatbot: 3, context: 4, chatwoot: 5 }
daemon:
  KGC_SUPPORT_QUEUE: kafka
  DATABASE_URL: postgres://x
  KGC_SUPPORT_LOG_LEVEL: info
`;
    expect(() => parseFranchise(yaml, 'franchise.yaml')).toThrow(
      /daemon\.KGC_SUPPORT_QUEUE: "kafka" is not one of postgres, bullmq\n\s+daemon\.DATABASE_URL: a secret/,
    );
    expect(
      parseFranchise(yaml.replace(/ {2}KGC_SUPPORT_QUEUE.*\n {2}DATABASE_URL.*\n/, ''), 'f').daemon,
    ).toEqual({
      KGC_SUPPORT_LOG_LEVEL: 'info',
    });
  });
});
