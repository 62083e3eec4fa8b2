/**
 * Secrets never printed: a database password given as a URL query parameter
 * (`?password=`, `?sslpassword=`, which libpq reads like the userinfo password) in
 * `config` and `config --json`, and Redis's password (userinfo or `?password=`) in
 * `health` in every format. Health asks the real Redis at 127.0.0.1:6379.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kgc-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  KGC_SUPPORT_DATA_DIR: dir,
};

describe('secrets in printed output', () => {
  it.each([
    [
      'DATABASE_URL',
      'postgres://kgc@db:5432/kgc?sslmode=require&password=QueryPw_4711',
      'postgres://kgc@db:5432/kgc?sslmode=require&password=***',
    ],
    [
      'DATABASE_URL',
      'postgres://kgc:Userinfo_0815@db:5432/kgc?sslpassword=KeyPass_2342&application_name=x',
      'postgres://kgc:***@db:5432/kgc?sslpassword=***&application_name=x',
    ],
    [
      'ERP_DATABASE_URL',
      'postgres://reader@erp:5432/erp?PassWord=ErpPw_1234',
      'postgres://reader@erp:5432/erp?PassWord=***',
    ],
  ])('config and config --json mask %s given as %s', async (name, url, masked) => {
    const secrets = [...url.matchAll(/(?::|=)([A-Za-z]+_\d{4})/g)].map((m) => m[1] as string);
    expect(secrets.length).toBeGreaterThan(0);
    const text = await runCli(['config'], { ...base, [name]: url });
    const json = await runCli(['config', '--json'], { ...base, [name]: url });
    for (const r of [text, json]) {
      expect(r.code, r.err).toBe(0);
      for (const s of secrets) expect(r.out + r.err).not.toContain(s);
    }
    expect(text.out).toContain(masked);
    expect(JSON.stringify(json.json())).toContain(masked);
  });

  it.each([
    ['userinfo', 'redis://:RedisPw_5150@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    [
      'a query parameter',
      'redis://127.0.0.1:6379?password=RedisQ_6160',
      'redis://127.0.0.1:6379?password=***',
    ],
  ])('health in every format masks the Redis password given as %s', async (_how, url, masked) => {
    const secret = /(Redis\w+_\d{4})/.exec(url)?.[1] as string;
    for (const format of [[], ['--format', 'nagios'], ['--format', 'json']]) {
      const r = await runCli(['health', '--timeout', '3', ...format], { ...base, REDIS_URL: url });
      expect(r.out + r.err).not.toContain(secret);
      // Nagios lists only the checks that are not OK (a PONG is OK): the others name Redis as asked.
      if (format[1] !== 'nagios' || /\] redis:responseTime/.test(r.out))
        expect(r.out, `health ${format.join(' ')}`).toContain(masked);
    }
  });
});
