/**
 * Rate limits that fit the seed (10.1: 200 notifications/s): a key without its own
 * rate gets the default of its scopes (erp:publish has its own, generous one);
 * `keys update --rate-limit` and `keys import --rate-limit` change a key's rate; every
 * 429 carries Retry-After. The 200/s load itself is a benchmark (bench/scenarios/publish-rate.js).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRateFor, defaultRates } from '../../src/api/rate-limit.js';
import { loadConfig, parseConfig } from '../../src/config/config.js';
import { cryptoRandom, manualClock } from '../../src/context/clock.js';
import { generateKey } from '../../src/keys/key-format.js';
import { importKey } from '../../src/keys/key-import.js';
import { updateKeyRate } from '../../src/keys/key-update.js';
import { createKey } from '../../src/keys/keys.service.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { STORE_KINDS } from '../helpers/store.js';

const READ = '/api/rentals/R-2025-001/status';

describe('default rates', () => {
  it('give erp:publish the seed 200/s with margin, erp:gdpr a small one, the rest KGC_SUPPORT_RATE_LIMIT', () => {
    const d = defaultRates(loadConfig({}));
    const publish = defaultRateFor(d, ['erp:publish']);
    expect(publish.perSecond).toBeGreaterThanOrEqual(2 * 200);
    expect(publish.burst).toBeGreaterThanOrEqual(2 * 200);
    expect(defaultRateFor(d, ['support:read'])).toEqual({ perSecond: 100, burst: 100 });
    expect(defaultRateFor(d, ['erp:gdpr'])).toEqual({ perSecond: 10, burst: 20 });
    // A key with several scopes gets the most generous of their defaults.
    expect(defaultRateFor(d, ['erp:gdpr', 'erp:publish'])).toEqual(publish);
  });

  it('are settings, refused when not a rate', () => {
    const { config, problems } = parseConfig({ KGC_SUPPORT_RATE_LIMIT_PUBLISH: '1000/s' });
    if (!config) throw new Error(JSON.stringify(problems));
    expect(problems).toEqual([]);
    expect(config.rateLimitPublish).toEqual({ perSecond: 1000, burst: 1000 });
    expect(parseConfig({ KGC_SUPPORT_RATE_LIMIT_GDPR: 'fast' }).problems).toEqual([
      expect.objectContaining({ variable: 'KGC_SUPPORT_RATE_LIMIT_GDPR' }),
    ]);
  });
});

describe.each(STORE_KINDS)('rate limits per scope on %s', (kind) => {
  let t: TestApi;
  const clock = manualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApi(kind, {
      clock,
      env: {
        KGC_SUPPORT_RATE_LIMIT: '3/s,burst=3',
        KGC_SUPPORT_RATE_LIMIT_PUBLISH: '5/s,burst=5',
        KGC_SUPPORT_RATE_LIMIT_GDPR: '1/s,burst=1',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const read = (key: string) => t.app.inject({ method: 'GET', url: READ, headers: bearer(key) });
  const publish = (key: string, i: number) =>
    t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: bearer(key),
      payload: {
        id: `evt-rate-${kind}-${i}-${key.slice(-6)}`,
        event: 'customer.deleted',
        data: { customer_id: 'C-999', gdpr_reason: 'user_request' },
      },
    });
  /** Statuses of n calls at one instant (the frozen clock refills nothing). */
  const burst = async (n: number, call: (i: number) => ReturnType<typeof read>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await call(i)).statusCode);
    return out;
  };

  it('an erp:publish key without its own rate gets the publish default, a read key the general one', async () => {
    clock.advance(60_000);
    expect(await burst(6, (i) => publish(t.keys.publish, i))).toEqual([
      202, 202, 202, 202, 202, 429,
    ]);
    expect(await burst(4, () => read(t.keys.read))).toEqual([200, 200, 200, 429]);
  });

  it('every 429 says when to retry', async () => {
    const res = await read(t.keys.read);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.json().code).toBe('rate_limited');
  });

  it("keys update sets a key's own rate and `default` gives it back its scopes' default", async () => {
    const k = await createKey(t.ctx, { name: 'erp-2', scopes: ['erp:publish'] });
    const raised = await updateKeyRate(t.ctx, { id: k.key.id, rate_limit: '8/s,burst=8' });
    expect(raised.rate_limit).toBe('8/s,burst=8');
    t.verifier.invalidate();
    clock.advance(60_000);
    expect((await burst(9, (i) => publish(k.api_key, 100 + i))).filter((s) => s === 429)).toEqual([
      429,
    ]);
    const back = await updateKeyRate(t.ctx, { id: k.key.id, rate_limit: 'default' });
    expect(back.rate_limit).toBeNull();
    t.verifier.invalidate();
    clock.advance(60_000);
    expect((await burst(6, (i) => publish(k.api_key, 200 + i))).at(-1)).toBe(429);
    await expect(updateKeyRate(t.ctx, { id: 'key_nope', rate_limit: '1/s' })).rejects.toMatchObject(
      { code: 'key_not_found' },
    );
    await expect(updateKeyRate(t.ctx, { id: k.key.id, rate_limit: 'lots' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('keys import takes a rate; importing the known key again with a rate changes only that', async () => {
    const plaintext = generateKey(cryptoRandom);
    const first = await importKey(t.ctx, {
      name: 'erp-import',
      scopes: ['erp:publish'],
      api_key: plaintext,
      rate_limit: '400/s,burst=800',
    });
    expect(first).toMatchObject({ created: true, key: { rate_limit: '400/s,burst=800' } });
    const same = await importKey(t.ctx, {
      name: 'erp-import',
      scopes: ['erp:publish'],
      api_key: plaintext,
    });
    expect(same.key.rate_limit).toBe('400/s,burst=800');
    const changed = await importKey(t.ctx, {
      name: 'ignored',
      scopes: ['admin'],
      api_key: plaintext,
      rate_limit: '900/s',
    });
    expect(changed).toMatchObject({
      created: false,
      key: {
        id: first.key.id,
        name: 'erp-import',
        scopes: ['erp:publish'],
        rate_limit: '900/s,burst=900',
      },
    });
  });
});

describe('the keys commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-rate-cli-'));
  const env = { KGC_SUPPORT_DATA_DIR: dir, NO_COLOR: '1' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keys update --rate-limit and keys import --rate-limit, with help examples', async () => {
    for (const cmd of [
      ['keys', 'update'],
      ['keys', 'import'],
    ]) {
      const help = await runCli([...cmd, '--help'], env);
      expect(help.code).toBe(0);
      expect(help.out).toContain('--rate-limit');
      expect(help.out).toMatch(/Examples?:/);
    }
    const created = await runCli(
      ['keys', 'create', '--name', 'erp', '--scope', 'erp:publish', '--json'],
      env,
    );
    expect(created.code, created.err).toBe(0);
    const id = created.json<{ key: { id: string } }>().key.id;
    const up = await runCli(['keys', 'update', id, '--rate-limit', '1000/s,burst=2000'], env);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain('1000/s,burst=2000');
    const shown = await runCli(['keys', 'show', id, '--json'], env);
    expect(shown.json<{ rate_limit: string }>().rate_limit).toBe('1000/s,burst=2000');
    const bad = await runCli(['keys', 'update', id, '--rate-limit', 'soon', '--json'], env);
    expect(bad.code).toBe(2);
    const missing = await runCli(['keys', 'update', id], env);
    expect(missing.code).toBe(2);
  });
});
