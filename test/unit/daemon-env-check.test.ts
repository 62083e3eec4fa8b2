/** checkDaemonEnv: every value the daemon refuses at start, listed by variable, with nothing opened. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { checkDaemonEnv } from '../../src/config/daemon-env-check.js';
import { adminSocketPath } from '../../src/config/paths.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { generateKey } from '../../src/keys/key-format.js';
import { generateWebhookSecret } from '../../src/webhooks/secrets.service.js';

const SRC = resolve(import.meta.dirname, '../../src');
const base = { HOME: '/home/kgc', KGC_SUPPORT_DATA_DIR: '/srv/kgc' };

describe('checkDaemonEnv', () => {
  it('passes what the renderer generates', () => {
    expect(
      checkDaemonEnv({
        ...base,
        SUPPORT_WEBHOOK_SECRET: generateWebhookSecret(cryptoRandom),
        KGC_API_KEY: generateKey(cryptoRandom),
        KGC_SUPPORT_PUBLISH_KEY: generateKey(cryptoRandom),
        CHATWOOT_URL: 'http://chatwoot-web:3000',
        CHATWOOT_ACCOUNT_NUMBER: '1',
      }),
    ).toEqual([]);
  });

  it("refuses the seed's literal webhook secret, naming the variable", () => {
    const problems = checkDaemonEnv({ ...base, SUPPORT_WEBHOOK_SECRET: 'webhook_secret' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe('SUPPORT_WEBHOOK_SECRET');
    expect(problems[0]?.message).toMatch(/24 to 64 bytes \(this one is 14\).*whsec_/);
  });

  it("refuses a Chatwoot account number that is not a number, and ignores the seed's CHATWOOT_ACCOUNT_ID", () => {
    expect(checkDaemonEnv({ ...base, CHATWOOT_ACCOUNT_NUMBER: 'kgc-x' })).toEqual([
      { variable: 'CHATWOOT_ACCOUNT_NUMBER', message: '"kgc-x" is not a whole number' },
    ]);
    expect(checkDaemonEnv({ ...base, CHATWOOT_ACCOUNT_NUMBER: '0' })[0]?.message).toMatch(
      /outside 1\.\.2147483647/,
    );
    expect(checkDaemonEnv({ ...base, CHATWOOT_ACCOUNT_ID: 'kgc-budapest-1' })).toEqual([]);
    expect(
      loadConfig({ ...base, CHATWOOT_ACCOUNT_ID: 'kgc-budapest-1', CHATWOOT_ACCOUNT_NUMBER: '3' })
        .chatwootAccountNumber,
    ).toBe(3);
  });

  it('checks the format and checksum of both imported API keys', () => {
    const good = generateKey(cryptoRandom);
    const typo = `${good.slice(0, 10)}${good[10] === 'a' ? 'b' : 'a'}${good.slice(11)}`;
    expect(
      checkDaemonEnv({ ...base, KGC_API_KEY: 'secret_key_here', KGC_SUPPORT_PUBLISH_KEY: typo }),
    ).toEqual([
      {
        variable: 'KGC_API_KEY',
        message: 'is not a kgc_ API key (kgc_ and 36 letters and digits)',
      },
      {
        variable: 'KGC_SUPPORT_PUBLISH_KEY',
        message: "the key's checksum does not match: it was mistyped or truncated",
      },
    ]);
  });

  it("lists every problem at once, the settings' and the imported values'", () => {
    const problems = checkDaemonEnv({
      ...base,
      KGC_SUPPORT_PORT: 'eighty',
      CHATWOOT_ACCOUNT_NUMBER: 'kgc-x',
      KGC_SUPPORT_TIMEZONE: 'Mars/Olympus',
      SUPPORT_WEBHOOK_SECRET: 'webhook_secret',
      KGC_SUPPORT_PUBLISH_KEY: 'nope',
    });
    expect(problems.map((p) => p.variable)).toEqual([
      'KGC_SUPPORT_PORT',
      'KGC_SUPPORT_TIMEZONE',
      'CHATWOOT_ACCOUNT_NUMBER',
      'SUPPORT_WEBHOOK_SECRET',
      'KGC_SUPPORT_PUBLISH_KEY',
    ]);
    expect(problems[0]?.message).toBe('"eighty" is not a whole number');
  });

  it('is cheap to import: nothing it loads reaches a database, HTTP or the daemon', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(
        /^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm,
      )) {
        const spec = m[1] as string;
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else packages.add(spec);
      }
    };
    walk(join(SRC, 'config', 'daemon-env-check.ts'));
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(
      [...seen]
        .map((f) => f.slice(SRC.length + 1))
        .filter((f) => !/^(config|errors|context|formats)\//.test(f)),
    ).toEqual([]);
  });
});

describe('KGC_SUPPORT_ADMIN_SOCKET', () => {
  it("defaults to the socket of the data directory, the flag's one too", () => {
    expect(loadConfig(base).adminSocket).toBe(adminSocketPath('/srv/kgc'));
    expect(loadConfig(base, { dataDir: '/srv/other' }).adminSocket).toBe('/srv/other/admin.sock');
    expect(loadConfig({ HOME: '/home/kgc' }).adminSocket).toBe(
      '/home/kgc/.local/share/kgc-support/admin.sock',
    );
    expect(
      loadConfig({ ...base, KGC_SUPPORT_ADMIN_SOCKET: '/run/kgc-support/admin.sock' }).adminSocket,
    ).toBe('/run/kgc-support/admin.sock');
  });
});
