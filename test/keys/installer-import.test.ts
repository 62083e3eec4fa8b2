/**
 * The daemon's import of the installer's keys at start: the seed's 90 days (not 365), a
 * warning when one expires within 14 days naming the one command that rotates it, and a
 * plain note when the environment predates a rotation made on the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoRandom, manualClock } from '../../src/context/clock.js';
import type { Logger } from '../../src/context/logger.js';
import { importInstallerKey } from '../../src/keys/installer-import.js';
import { INSTALLER_KEYS } from '../../src/keys/installer-keys.js';
import { generateKey } from '../../src/keys/key-format.js';
import { listKeys, rotateKey } from '../../src/keys/keys.service.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';

const DAY = 86_400_000;

describe.each(STORE_KINDS)("the installer's keys imported at start, on %s", (kind) => {
  let ts: TestStore;
  const clock = manualClock(Date.parse('2030-01-01T00:00:00Z'));
  const lines: { level: 'info' | 'warn'; msg: string }[] = [];
  const logger = {
    info: (_o: unknown, msg: string) => void lines.push({ level: 'info', msg }),
    warn: (_o: unknown, msg: string) => void lines.push({ level: 'warn', msg }),
    error: () => {},
    debug: () => {},
  } as unknown as Logger;
  beforeAll(async () => {
    ts = await createTestStore(kind, { clock });
  });
  afterAll(async () => {
    await ts?.close();
  });
  const ctx = () => ({ ...ts.ctx, logger });

  it('imports each for 90 days, with its name and scopes', async () => {
    const values = {
      chatbot: generateKey(cryptoRandom),
      context: generateKey(cryptoRandom),
      erp: generateKey(cryptoRandom),
    };
    for (const [which, value] of Object.entries(values))
      await importInstallerKey(ctx(), which as keyof typeof values, value);
    const keys = await listKeys(ts.ctx, {});
    for (const which of ['chatbot', 'context', 'erp'] as const) {
      const k = keys.find((x) => x.name === INSTALLER_KEYS[which].name);
      expect(k?.scopes).toEqual([...INSTALLER_KEYS[which].scopes]);
      expect(Date.parse(k?.expires_at ?? '') - Date.parse(k?.created_at ?? '')).toBe(90 * DAY);
    }
  });

  it('warns at a start within 14 days of the expiry, naming keys rotate <key> --franchise', async () => {
    const value = generateKey(cryptoRandom);
    await importInstallerKey(ctx(), 'context', value);
    lines.length = 0;
    clock.advance(80 * DAY);
    await importInstallerKey(ctx(), 'context', value);
    expect(lines).toEqual([
      {
        level: 'warn',
        msg: expect.stringMatching(
          /^the key in KGC_CONTEXT_API_KEY expires on .*; rotate it: kgc-support keys rotate context --franchise <id>$/,
        ),
      },
    ]);
  });

  it('notes, without a warning, an environment older than a rotation on the host', async () => {
    const value = generateKey(cryptoRandom);
    await importInstallerKey(ctx(), 'erp', value);
    const k = (await listKeys(ts.ctx, {})).find(
      (x) =>
        x.name === INSTALLER_KEYS.erp.name &&
        x.status === 'active' &&
        x.created_at === new Date(clock.now()).toISOString(),
    );
    await rotateKey(ts.ctx, { id: k?.id ?? '', grace: '1h' });
    lines.length = 0;
    await importInstallerKey(ctx(), 'erp', value);
    expect(lines.map((l) => l.level)).toEqual(['info']);
    expect(lines[0]?.msg).toMatch(/was rotated or retired; this daemon's environment predates it/);
  });
});
