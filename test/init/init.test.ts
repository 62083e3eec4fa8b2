/**
 * `init` from flags (scripts, no terminal): what it writes, what it refuses, how it
 * picks ports that no other franchise on the host uses, and that it never prints a secret.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnv } from '../../src/render/env-format.js';
import { cliEnv, runCli, TEST_ERP_DATABASE_URL, tempRoot } from '../helpers/cli.js';

type Ports = Record<'erp_api' | 'daemon' | 'chatbot' | 'context' | 'chatwoot', number>;

describe('init with flags', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);
  const yamlOf = (id: string) =>
    parse(readFileSync(join(root, id, 'franchise.yaml'), 'utf8')) as {
      ports: Ports;
      layout: string;
      images?: unknown;
      support: { enabled: boolean };
    };

  // ERP_DATABASE_URL from the environment, as a script may give it.
  beforeAll(() => {
    root = tempRoot();
    env = cliEnv(root, { ERP_DATABASE_URL: TEST_ERP_DATABASE_URL });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('without a terminal, a missing value is a usage error naming its flag', async () => {
    const noId = await cli('init', '--name', 'X');
    expect(noId.code).toBe(2);
    expect(noId.err).toContain('pass --franchise <id>');
    const noName = await cli('init', '--franchise', 'x');
    expect(noName.code).toBe(2);
    expect(noName.err).toContain('pass --name <name>');
    const noErp = await runCli(['init', '--franchise', 'x', '--name', 'X'], cliEnv(root));
    expect(noErp.code).toBe(2);
    expect(noErp.err).toContain('pass --erp-database-url <url> (or set ERP_DATABASE_URL)');
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it("refuses an ERP database the daemon's container cannot reach: localhost is the container itself", async () => {
    for (const url of [
      'postgres://r:pw@localhost:5432/kgc',
      'postgres://r:pw@127.0.0.1/kgc',
      'postgresql://r:pw@[::1]:5432/kgc',
      'postgres:///kgc?host=/var/run/postgresql',
      'mysql://r:pw@erp-db/kgc',
      'postgres://erp-db/kgc',
    ]) {
      const r = await cli('init', '--franchise', 'x', '--name', 'X', '--erp-database-url', url);
      expect(r.code, url).toBe(2);
      expect(r.err, url).toMatch(/--erp-database-url: ERP_DATABASE_URL/);
    }
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('refuses an id that cannot name a compose project, and an unknown layout', async () => {
    expect((await cli('init', '--franchise', 'Budapest_1', '--name', 'X')).code).toBe(2);
    expect((await cli('init', '--franchise', 'ok', '--name', 'X', '--layout', 'C')).code).toBe(2);
    expect(
      (await cli('init', '--franchise', 'ok', '--name', 'X', '--timezone', 'Mars/Olympus')).code,
    ).toBe(2);
  });

  it('writes franchise.yaml and a 0600 secrets.env, and prints no secret', async () => {
    const r = await cli('init', '--franchise', 'one', '--name', 'Első Kft.', '--json');
    expect(r.code, r.err).toBe(0);
    const res = r.json<{
      file: string;
      ports: Ports;
      secrets_generated: string[];
      next: string[];
    }>();
    expect(res.file).toBe(join(root, 'one', 'franchise.yaml'));
    // The ERP's DBA applies the SQL render writes before up: the daemon logs in with its role.
    expect(res.next).toEqual([
      'kgc-support render --franchise one',
      expect.stringMatching(
        new RegExp(
          `^psql ".*" -v ON_ERROR_STOP=1 -f ${join(root, 'one', 'erp', 'kgc-support-erp.sql')}$`,
        ),
      ),
      'kgc-support up --franchise one',
    ]);
    const secrets = parseEnv(readFileSync(join(root, 'one', 'secrets.env'), 'utf8'));
    expect(statSync(join(root, 'one', 'secrets.env')).mode & 0o777).toBe(0o600);
    expect(res.secrets_generated).toEqual(
      expect.arrayContaining([
        'SUPPORT_API_KEY',
        'SUPPORT_WEBHOOK_SECRET',
        'KGC_API_KEY',
        'KGC_SUPPORT_DB_PASSWORD',
        'KGC_SUPPORT_PUBLISH_KEY',
      ]),
    );
    expect(secrets.get('ERP_DATABASE_URL')).toBe(TEST_ERP_DATABASE_URL);
    expect(secrets.get('KGC_SUPPORT_DB_PASSWORD')).toMatch(/^[0-9a-f]{48}$/);
    for (const v of secrets.values()) if (v.length > 0) expect(r.out + r.err).not.toContain(v);
    const doc = yamlOf('one');
    expect(doc.layout).toBe('profiles');
    expect(doc.support.enabled).toBe(true);
  });

  it('points editors at the published JSON Schema', () => {
    const text = readFileSync(join(root, 'one', 'franchise.yaml'), 'utf8');
    const ref = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)?.[1];
    expect(ref).toBeDefined();
    const target = resolve(join(root, 'one'), ref as string);
    expect(existsSync(target)).toBe(true);
    expect(dirname(target).endsWith('schemas')).toBe(true);
  });

  it('gives the next franchise its own ports and refuses a port another franchise has', async () => {
    expect(
      (await cli('init', '--franchise', 'two', '--name', 'Második', '--layout', 'A')).code,
    ).toBe(0);
    const one = yamlOf('one').ports;
    const two = yamlOf('two').ports;
    const used = [...Object.values(one), ...Object.values(two)];
    expect(new Set(used).size).toBe(used.length);
    expect(yamlOf('two').layout).toBe('separate');
    const clash = await cli(
      'init',
      '--franchise',
      'three',
      '--name',
      'Harmadik',
      '--chatbot-port',
      String(one.chatbot),
    );
    expect(clash.code).toBe(1);
    expect(clash.err).toContain(
      `port ${one.chatbot} is used by franchise one (chatbot) and franchise three (chatbot)`,
    );
    expect(existsSync(join(root, 'three'))).toBe(false);
  });

  it('does not overwrite a franchise unless --force, and --force keeps its secrets', async () => {
    const before = readFileSync(join(root, 'one', 'secrets.env'), 'utf8');
    const again = await cli('init', '--franchise', 'one', '--name', 'Más');
    expect(again.code).toBe(1);
    expect(again.err).toContain('--force');
    const forced = await cli(
      'init',
      '--franchise',
      'one',
      '--name',
      'Más',
      '--disabled',
      '--image',
      'chatwoot=registry.local:5000/cw:v4.1.0',
      '--force',
    );
    expect(forced.code, forced.err).toBe(0);
    expect(readFileSync(join(root, 'one', 'secrets.env'), 'utf8')).toBe(before);
    const doc = yamlOf('one');
    expect(doc.support.enabled).toBe(false);
    expect(doc.images).toEqual({ chatwoot: { image: 'registry.local:5000/cw', tag: 'v4.1.0' } });
    // The ERP's URL is the admin's: given again, it replaces the kept one; nothing else changes.
    const moved = 'postgres://kgc_reader:new@erp2.lan:5432/kgc';
    expect(
      (
        await cli(
          'init',
          '--franchise',
          'one',
          '--name',
          'Más',
          '--erp-database-url',
          moved,
          '--force',
        )
      ).code,
    ).toBe(0);
    const after = parseEnv(readFileSync(join(root, 'one', 'secrets.env'), 'utf8'));
    expect(after.get('ERP_DATABASE_URL')).toBe(moved);
    for (const [k, v] of parseEnv(before))
      if (k !== 'ERP_DATABASE_URL') expect(after.get(k), k).toBe(v);
  });

  it("render says when the ERP's DBA must apply erp/kgc-support-erp.sql again, and only then", async () => {
    const sqlFile = join(root, 'sql', 'erp', 'kgc-support-erp.sql');
    type Rendered = { erp_sql_to_apply: { file: string; command: string } | null }[];
    expect((await cli('init', '--franchise', 'sql', '--name', 'SQL')).code).toBe(0);
    const first = await cli('render', '--franchise', 'sql', '--no-validate', '--json');
    expect(first.code, first.err).toBe(0);
    expect(first.json<Rendered>()[0]?.erp_sql_to_apply?.file).toBe(sqlFile);
    const same = await cli('render', '--franchise', 'sql', '--no-validate');
    expect(same.code, same.err).toBe(0);
    expect(same.out).not.toContain('DBA');
    // A new password for the daemon's ERP role: the ERP's database still has the old one.
    const moved = 'postgres://kgc_reader:changed@erp-db:5432/kgc';
    const init = await cli(
      'init',
      '--franchise',
      'sql',
      '--name',
      'SQL',
      '--erp-database-url',
      moved,
      '--force',
    );
    expect(init.code, init.err).toBe(0);
    const again = await cli('render', '--franchise', 'sql', '--no-validate');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain(
      "erp/kgc-support-erp.sql is changed: the ERP's DBA must apply it (again)",
    );
    expect(again.out).toContain(
      `psql "postgres://<ERP admin>@erp-db:5432/kgc" -v ON_ERROR_STOP=1 -f ${sqlFile}`,
    );
  });

  it('refuses an image override for an unknown image', async () => {
    const r = await cli(
      'init',
      '--franchise',
      'four',
      '--name',
      'Negyedik',
      '--image',
      'mysql=mysql:8',
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('kgc-api, kgc-support, koko-chatbot');
  });
});
