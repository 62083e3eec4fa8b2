/**
 * What the rendered stack gives the daemon: its own PostgreSQL, the ERP's database, its
 * keys, the admin socket directory, Chatwoot's numeric account id; the environment the
 * pure function computes is the one the compose tool gives the container; and render
 * refuses, before writing, what the daemon would refuse or a stack without the ERP.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKeyShape } from '../../src/formats/api-key.js';
import { daemonEnvironment } from '../../src/render/daemon-env.js';
import { parseEnv } from '../../src/render/env-format.js';
import {
  cliEnv,
  editFranchise,
  ERP_FLAGS,
  runCli,
  TEST_ERP_DATABASE_URL,
  tempRoot,
} from '../helpers/cli.js';

const composeV1 =
  (await execa('docker-compose', ['version', '--short'], { reject: false })).exitCode === 0;
if (!composeV1) console.warn('SKIP the compose cross-check: docker-compose is not installed');

type Service = {
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: unknown[];
  image?: string;
};

describe('the daemon in the rendered stack', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);
  const read = (id: string, f: string) => readFileSync(join(root, id, f), 'utf8');
  const secretsOf = (id: string) => parseEnv(read(id, 'secrets.env'));

  beforeAll(async () => {
    root = tempRoot();
    env = cliEnv(root);
    for (const [id, extra] of [
      ['p', []],
      ['s', ['--layout', 'separate', '--chatwoot-account-number', '7']],
    ] as const) {
      const init = await cli(
        'init',
        '--franchise',
        id,
        '--name',
        'Kovács és Fia Kft. #2 $',
        ...ERP_FLAGS,
        ...extra,
      );
      expect(init.code, init.err).toBe(0);
      const r = await cli('render', '--franchise', id, '--no-validate');
      expect(r.code, r.err).toBe(0);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gets DATABASE_URL of kgc-support-db, the ERP database, its keys, the admin socket and the account number', () => {
    for (const [id, compose, envFile, number] of [
      ['p', 'docker-compose.yml', '.env', '1'],
      ['s', 'support/docker-compose.support.yml', 'support/.env', '7'],
    ] as const) {
      const s = secretsOf(id);
      const d = daemonEnvironment({ composeText: read(id, compose), envText: read(id, envFile) });
      expect(d.DATABASE_URL).toBe(
        `postgres://kgc_support:${s.get('KGC_SUPPORT_DB_PASSWORD')}@kgc-support-db:5432/kgc_support`,
      );
      expect(d.ERP_DATABASE_URL).toBe(TEST_ERP_DATABASE_URL);
      expect(checkKeyShape(d.KGC_SUPPORT_PUBLISH_KEY ?? '')).toBe('ok');
      expect(d.KGC_SUPPORT_PUBLISH_KEY).toBe(s.get('KGC_SUPPORT_PUBLISH_KEY'));
      expect(d.KGC_SUPPORT_ADMIN_SOCKET).toBe('/run/kgc-support/admin.sock');
      expect(d.CHATWOOT_ACCOUNT_NUMBER).toBe(number);
      expect(d).not.toHaveProperty('CHATWOOT_ACCOUNT_ID');
      const doc = parse(read(id, compose)) as {
        services: Record<string, Service>;
        volumes: Record<string, unknown>;
      };
      expect(doc.services['kgc-support']?.depends_on).toEqual({
        'kgc-support-db': { condition: 'service_healthy' },
        'kgc-support-redis': { condition: 'service_started' },
      });
      // The stack's Redis, with this franchise's key prefixes; the erp:gdpr key; the erase mode.
      expect(d.REDIS_URL).toBe(
        `redis://:${s.get('KGC_SUPPORT_REDIS_PASSWORD')}@kgc-support-redis:6379/0`,
      );
      expect(s.get('KGC_SUPPORT_REDIS_PASSWORD')).toMatch(/^[0-9a-f]{48}$/);
      expect(d.KGC_SUPPORT_CACHE_PREFIX).toBe(`kgc-support:${id}:cache`);
      expect(d.KGC_SUPPORT_QUEUE_PREFIX).toBe(`kgc-support:${id}:queue`);
      expect(d.KGC_GDPR_ERASE_MODE).toBe('delete');
      expect(checkKeyShape(d.KGC_SUPPORT_GDPR_KEY ?? '')).toBe('ok');
      expect(d.KGC_SUPPORT_GDPR_KEY).toBe(s.get('KGC_SUPPORT_GDPR_KEY'));
      expect(d.KGC_SUPPORT_GDPR_KEY).not.toBe(d.KGC_SUPPORT_PUBLISH_KEY);
      expect(doc.services['kgc-support-redis']?.environment).toEqual({
        REDIS_PASSWORD: '${KGC_SUPPORT_REDIS_PASSWORD}',
      });
      expect(doc.services['kgc-support-db']?.environment).toEqual({
        POSTGRES_USER: 'kgc_support',
        POSTGRES_PASSWORD: '${KGC_SUPPORT_DB_PASSWORD}',
        POSTGRES_DB: 'kgc_support',
      });
      expect(doc.services['kgc-support-db']?.volumes).toEqual([
        'kgc-support-db:/var/lib/postgresql/data',
      ]);
      expect(doc.volumes).toHaveProperty('kgc-support-db');
      expect(statSync(join(root, id, 'run')).mode & 0o777).toBe(0o700);
    }
  });

  it('gives kgc-api the publish key as KGC_SUPPORT_API_KEY and the erp:gdpr key as KGC_SUPPORT_GDPR_API_KEY, beside KGC_SUPPORT_URL', () => {
    const doc = parse(read('s', 'docker-compose.yml')) as { services: Record<string, Service> };
    expect(doc.services['kgc-api']?.environment).toMatchObject({
      KGC_SUPPORT_API_KEY: '${KGC_SUPPORT_PUBLISH_KEY}',
      KGC_SUPPORT_GDPR_API_KEY: '${KGC_SUPPORT_GDPR_KEY}',
      KGC_SUPPORT_URL: '${KGC_SUPPORT_URL}',
    });
    for (const k of ['KGC_SUPPORT_PUBLISH_KEY', 'KGC_SUPPORT_GDPR_KEY'])
      expect(parseEnv(read('s', '.env')).get(k)).toBe(secretsOf('s').get(k));
    // The ERP's project holds neither the daemon's Redis password nor its URL.
    expect(parseEnv(read('s', '.env')).has('KGC_SUPPORT_REDIS_PASSWORD')).toBe(false);
  });

  it("franchise.yaml's erase mode and daemon: settings reach the daemon and the ERP grants; a value the daemon would refuse is refused where it is written", async () => {
    const dir = join(root, 'p');
    const renderP = () => cli('render', '--franchise', 'p', '--no-validate');
    try {
      editFranchise(dir, (doc) => {
        (doc.support as Record<string, unknown>).erase_mode = 'anonymise';
        doc.daemon = {
          KGC_SUPPORT_RATE_LIMIT_PUBLISH: '1000/s,burst=2000',
          KGC_SUPPORT_WEBHOOK_CONCURRENCY: 32,
        };
      });
      const r = await renderP();
      expect(r.code, r.err).toBe(0);
      const d = daemonEnvironment({
        composeText: read('p', 'docker-compose.yml'),
        envText: read('p', '.env'),
      });
      expect(d).toMatchObject({
        KGC_GDPR_ERASE_MODE: 'anonymise',
        KGC_SUPPORT_RATE_LIMIT_PUBLISH: '1000/s,burst=2000',
        KGC_SUPPORT_WEBHOOK_CONCURRENCY: '32',
      });
      const sql = read('p', 'erp/kgc-support-erp.sql');
      expect(sql).toMatch(
        /^GRANT UPDATE \(name, phone, email, id_card_number, company, tax_number\) ON kgc_erp\.customers TO /m,
      );
      expect(sql).not.toMatch(/^GRANT DELETE ON kgc_erp\.customers/m);
      expect(sql).toMatch(/^REVOKE DELETE, UPDATE ON kgc_erp\.customers, /m);

      for (const [value, said] of [
        [
          { KGC_SUPPORT_WEBHOOK_CONCURRENCY: 0 },
          /daemon\.KGC_SUPPORT_WEBHOOK_CONCURRENCY: 0 is outside 1\.\.1024/,
        ],
        [{ KGC_SUPPORT_RATE_LIMIT_PUBLISH: 'fast' }, /daemon\.KGC_SUPPORT_RATE_LIMIT_PUBLISH: /],
        [{ KGC_SUPPORT_PORT: 4000 }, /daemon\.KGC_SUPPORT_PORT: set by the stack/],
        [
          { KGC_GDPR_ERASE_MODE: 'delete' },
          /daemon\.KGC_GDPR_ERASE_MODE: set by support\.erase_mode/,
        ],
        [{ REDIS_URL: 'redis://x' }, /daemon\.REDIS_URL: a secret/],
        [{ KGC_SUPPORT_NOPE: '1' }, /daemon\.KGC_SUPPORT_NOPE: not a setting of the daemon/],
      ] as const) {
        editFranchise(dir, (doc) => {
          doc.daemon = value;
        });
        const bad = await renderP();
        expect(bad.code, JSON.stringify(value)).toBe(2);
        expect(bad.err).toMatch(said);
      }
    } finally {
      editFranchise(dir, (doc) => {
        delete doc.daemon;
        delete (doc.support as Record<string, unknown>).erase_mode;
      });
      expect((await renderP()).code).toBe(0);
    }
    expect(read('p', 'erp/kgc-support-erp.sql')).toMatch(
      /^GRANT DELETE ON kgc_erp\.customers TO /m,
    );
  });

  it.skipIf(!composeV1)(
    'the environment computed is the one the compose tool gives the container',
    async () => {
      for (const [id, cwd, file] of [
        ['p', '', 'docker-compose.yml'],
        ['s', 'support', 'docker-compose.support.yml'],
      ] as const) {
        const dir = join(root, id, cwd);
        const r = await execa('docker-compose', ['-f', file, '--profile', 'support', 'config'], {
          cwd: dir,
          env: { PATH: process.env.PATH },
          extendEnv: false,
        });
        const fromCompose =
          (parse(r.stdout) as { services: Record<string, Service> }).services['kgc-support']
            ?.environment ?? {};
        const composed = Object.fromEntries(
          Object.entries(fromCompose).map(([k, v]) => [k, String(v).replaceAll('$$', '$')]),
        );
        expect(
          daemonEnvironment({
            composeText: read(id, join(cwd, file)),
            envText: read(id, join(cwd, '.env')),
          }),
        ).toEqual(composed);
        const volumes = JSON.stringify(
          (parse(r.stdout) as { services: Record<string, Service> }).services['kgc-support']
            ?.volumes,
        );
        expect(volumes).toContain(join(root, id, 'run'));
      }
    },
  );

  it('render refuses, before writing, a webhook secret the daemon would refuse, naming its secrets.env line', async () => {
    const file = join(root, 'p', 'secrets.env');
    const good = readFileSync(file, 'utf8');
    const envBefore = read('p', '.env');
    writeFileSync(
      file,
      good.replace(/^SUPPORT_WEBHOOK_SECRET=.*$/m, 'SUPPORT_WEBHOOK_SECRET=webhook_secret'),
      { mode: 0o600 },
    );
    try {
      for (const args of [[], ['--check'], ['--no-validate']]) {
        const r = await cli('render', '--franchise', 'p', ...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.err).toContain('SUPPORT_WEBHOOK_SECRET');
        expect(r.err).toContain('from secrets.env line SUPPORT_WEBHOOK_SECRET');
        expect(r.err).toContain('delete the SUPPORT_WEBHOOK_SECRET line of secrets.env');
      }
      expect(read('p', '.env')).toBe(envBefore);
    } finally {
      writeFileSync(file, good, { mode: 0o600 });
    }
  });

  it('render refuses a stack without the ERP database, or with the container itself as its host', async () => {
    const file = join(root, 'p', 'secrets.env');
    const good = readFileSync(file, 'utf8');
    const envBefore = read('p', '.env');
    try {
      for (const url of [
        '',
        'postgres://kgc_reader:pw@localhost:5432/kgc',
        'postgres://kgc_reader:pw@127.0.0.1:5432/kgc',
      ]) {
        writeFileSync(file, good.replace(/^ERP_DATABASE_URL=.*$/m, `ERP_DATABASE_URL=${url}`), {
          mode: 0o600,
        });
        // The rendered .env would give it back; a franchise that lost it everywhere is the case.
        writeFileSync(
          join(root, 'p', '.env'),
          envBefore.replace(/^ERP_DATABASE_URL=.*$/m, `ERP_DATABASE_URL=${url}`),
          { mode: 0o600 },
        );
        const r = await cli('render', '--franchise', 'p', '--json');
        expect(r.code, url).toBe(1);
        expect(JSON.parse(r.err)).toMatchObject({ error: { code: 'erp_database_missing' } });
        expect(r.err + r.out).toContain('--erp-database-url');
      }
    } finally {
      writeFileSync(file, good, { mode: 0o600 });
      writeFileSync(join(root, 'p', '.env'), envBefore, { mode: 0o600 });
    }
  });

  it("--diff never shows the ERP role's password, old or new, from the .env or erp/kgc-support-erp.sql", async () => {
    const file = join(root, 's', 'secrets.env');
    const good = readFileSync(file, 'utf8');
    const oldPw = 'old-Reader-Pw-123';
    const newPw = 'new-Reader-Pw-456';
    try {
      writeFileSync(
        file,
        good.replace(
          /^ERP_DATABASE_URL=.*$/m,
          `ERP_DATABASE_URL=postgres://kgc_reader:${oldPw}@erp-db:5432/kgc`,
        ),
        { mode: 0o600 },
      );
      expect((await cli('render', '--franchise', 's', '--no-validate')).code).toBe(0);
      expect(read('s', 'erp/kgc-support-erp.sql')).toContain(`PASSWORD '${oldPw}'`);
      writeFileSync(file, readFileSync(file, 'utf8').replace(oldPw, newPw), { mode: 0o600 });
      const diff = await cli('render', '--franchise', 's', '--diff');
      expect(diff.code, diff.err).toBe(0);
      expect(diff.out).toContain('erp/kgc-support-erp.sql');
      expect(diff.out).toContain(
        '+ALTER ROLE "kgc_reader" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD \'<secret ERP_DATABASE_URL password>\';',
      );
      expect(diff.out).toContain(
        '-ALTER ROLE "kgc_reader" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD \'<secret ERP_DATABASE_URL password: another value>\';',
      );
      expect(diff.out).not.toContain(oldPw);
      expect(diff.out).not.toContain(newPw);
    } finally {
      writeFileSync(file, good, { mode: 0o600 });
      await cli('render', '--franchise', 's', '--no-validate');
    }
  });

  it('a bad Chatwoot account number is refused where it is written: franchise.yaml', async () => {
    editFranchise(join(root, 'p'), (doc) => {
      (doc.support as Record<string, unknown>).chatwoot_account_number = 0;
    });
    const r = await cli('render', '--franchise', 'p');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('chatwoot_account_number');
    editFranchise(join(root, 'p'), (doc) => {
      delete (doc.support as Record<string, unknown>).chatwoot_account_number;
    });
  });
});
