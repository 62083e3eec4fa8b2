/**
 * `kgc-support support-bundle`, in-process: every secret planted where an admin's host
 * holds them (secrets.env and the rendered .env files, API keys, URL passwords, the
 * webhook secret, the admin page's password, variables no code knows by name) and none
 * of them in the archive; the parts that are there, readable and valid; the file 0600
 * and never written over another. The Docker variant (the support services' container
 * logs) is a step of test/docker/installed.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { generateKey } from '../../src/keys/key-format.js';
import { parseEnv } from '../../src/render/env-format.js';
import { SUPPORT_SERVICES } from '../../src/render/services.js';
import { cliEnv, freePortFlags, runCli, tempRoot, type CliRun } from '../helpers/cli.js';
import { createDatabase, type TestDatabase } from '../helpers/pg.js';

const token = (prefix = '') => `${prefix}${randomBytes(18).toString('hex')}`;

/** The archive's files: path inside its top directory → text (extracted by the system's tar). */
function extract(file: string): Map<string, string> {
  const to = mkdtempSync(join(tmpdir(), 'kgc-bundle-x-'));
  try {
    execFileSync('tar', ['-xzf', file, '-C', to]);
    const [top, ...others] = readdirSync(to);
    expect(others, 'one top directory').toEqual([]);
    const base = join(to, top as string);
    return new Map(
      readdirSync(base, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
          const p = join(e.parentPath, e.name);
          return [relative(base, p), readFileSync(p, 'utf8')] as const;
        }),
    );
  } finally {
    rmSync(to, { recursive: true, force: true });
  }
}

/** "file: secret name" for every planted secret found anywhere (as is or URL-encoded). */
function leaks(files: Map<string, string>, secrets: Record<string, string>): string[] {
  return [...files].flatMap(([path, text]) =>
    Object.entries(secrets)
      .filter(([, v]) => text.includes(v) || text.includes(encodeURIComponent(v)))
      .map(([name]) => `${path}: ${name}`),
  );
}

const why = (r: CliRun) => `exit ${r.code}\nstdout: ${r.out}\nstderr: ${r.err}`;

interface BundleResult {
  file: string;
  bytes: number;
  sha256: string;
  files: string[];
  errors: { path: string; error: string }[];
}

describe('support-bundle of an installed franchise', () => {
  const root = tempRoot('kgc-bundle-');
  const out = mkdtempSync(join(tmpdir(), 'kgc-bundle-out-'));
  const ID = 'bundle-1';
  const dir = join(root, ID);
  const erpPassword = token('erp');
  const planted: Record<string, string> = {
    'the DATABASE_URL password': token('db'),
    'the REDIS_URL password': token('redis'),
    'a variable nobody knows (ACME_VENDOR_TOKEN)': token('acme'),
    'the API key in KGC_API_KEY': generateKey(cryptoRandom),
    'the webhook secret in SUPPORT_WEBHOOK_SECRET': `whsec_${randomBytes(32).toString('base64')}`,
    'a line added to .env (LEGACY_SMTP_PASSWORD)': token('smtp'),
    'the ERP database password': erpPassword,
    'CHATWOOT_API_ACCESS_TOKEN (secrets.env, given by the admin)': token('cw'),
    'GEMINI_API_KEY (secrets.env, given by the admin)': token('AIza'),
  };
  const env = cliEnv(root, {
    DATABASE_URL: `postgres://kgc:${planted['the DATABASE_URL password']}@127.0.0.1:1/kgc`,
    REDIS_URL: `redis://:${planted['the REDIS_URL password']}@127.0.0.1:1`,
    ACME_VENDOR_TOKEN: planted['a variable nobody knows (ACME_VENDOR_TOKEN)'],
    KGC_API_KEY: planted['the API key in KGC_API_KEY'],
    SUPPORT_WEBHOOK_SECRET: planted['the webhook secret in SUPPORT_WEBHOOK_SECRET'],
  });

  beforeAll(async () => {
    const erpUrl = `postgres://kgc_reader:${erpPassword}@erp-db:5432/kgc`;
    const init = await runCli(
      [
        'init',
        '--franchise',
        ID,
        '--name',
        'Csomag Kft.',
        '--erp-database-url',
        erpUrl,
        ...(await freePortFlags()),
      ],
      env,
    );
    expect(init.code, why(init)).toBe(0);
    // The admin fills in what only they can give, then renders: the .env files hold them too.
    const secretsFile = join(dir, 'secrets.env');
    const secrets = readFileSync(secretsFile, 'utf8')
      .replace(
        /^CHATWOOT_API_ACCESS_TOKEN=.*$/m,
        `CHATWOOT_API_ACCESS_TOKEN=${planted['CHATWOOT_API_ACCESS_TOKEN (secrets.env, given by the admin)']}`,
      )
      .replace(
        /^GEMINI_API_KEY=.*$/m,
        `GEMINI_API_KEY=${planted['GEMINI_API_KEY (secrets.env, given by the admin)']}`,
      );
    writeFileSync(secretsFile, secrets);
    const render = await runCli(['render', '--franchise', ID], env);
    expect(render.code, why(render)).toBe(0);
    for (const [name, value] of parseEnv(readFileSync(secretsFile, 'utf8')))
      if (value !== '') planted[`secrets.env ${name}`] = value;
    // A secret this code has never heard of, added by hand.
    appendFileSync(
      join(dir, '.env'),
      `LEGACY_SMTP_PASSWORD=${planted['a line added to .env (LEGACY_SMTP_PASSWORD)']}\n`,
    );
  }, 120_000);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  let result: BundleResult;
  let files: Map<string, string>;

  it('writes one archive, 0600, whose checksum is the one it prints', async () => {
    const r = await runCli(
      ['support-bundle', '--franchise', ID, '--output', join(out, 'b.tar.gz'), '--json'],
      env,
    );
    expect(r.code, why(r)).toBe(0);
    result = r.json<BundleResult>();
    expect(leaks(new Map([['output', r.out + r.err]]), planted)).toEqual([]);
    expect(result.file).toBe(join(out, 'b.tar.gz'));
    expect(statSync(result.file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(result.file);
    expect(bytes.length).toBe(result.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(result.sha256);
    expect(readdirSync(out), 'no temporary file left beside it').toEqual(['b.tar.gz']);
    files = extract(result.file);
  }, 120_000);

  it('holds the configuration, doctor, health, status, versions and a log per support service', () => {
    expect([...files.keys()].sort()).toEqual(
      expect.arrayContaining([
        'README.txt',
        'manifest.json',
        'config/franchise.yaml',
        'config/secrets.env',
        'config/docker-compose.yml',
        'config/.env',
        'config/cli-settings.json',
        'doctor.json',
        'health.json',
        'status.json',
        'versions.json',
        ...SUPPORT_SERVICES.map((s) => `logs/${s}.log`),
      ]),
    );
    for (const [path, text] of files)
      if (path.endsWith('.json')) expect(() => JSON.parse(text) as unknown, path).not.toThrow();
    const versions = JSON.parse(files.get('versions.json') as string) as Record<string, unknown>;
    expect(versions).toMatchObject({ kgc_support: expect.any(String), node: process.version });
    expect(versions).toHaveProperty('engine');
    expect(versions).toHaveProperty('compose');
    expect(JSON.parse(files.get('doctor.json') as string)).toHaveProperty('checks');
    expect(JSON.parse(files.get('health.json') as string)).toHaveProperty('checks');
    expect(files.get('config/franchise.yaml')).toContain(`id: ${ID}`);
    // Which secrets are set is there; their values are not.
    expect(files.get('config/secrets.env')).toMatch(/^SUPPORT_WEBHOOK_SECRET=<redacted>$/m);
    expect(files.get('config/secrets.env')).toMatch(/^OPENAI_API_KEY=$/m);
    expect(files.get('config/.env')).toMatch(/^LEGACY_SMTP_PASSWORD=<redacted>$/m);
  });

  it('contains none of the planted secrets', () => {
    expect(Object.keys(planted).length).toBeGreaterThan(15);
    expect(leaks(files, planted)).toEqual([]);
  });

  it('is still written when parts cannot be collected, naming what is missing and why', async () => {
    const r = await runCli(
      ['support-bundle', '--franchise', ID, '--output', join(out, 'no-docker.tar.gz'), '--json'],
      { ...env, DOCKER_HOST: `unix://${join(out, 'no-such.sock')}` },
    );
    expect(r.code, why(r)).toBe(0);
    const got = r.json<BundleResult>();
    expect(got.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['status.json', 'logs/']));
    expect(leaks(new Map([['output', r.out + r.err]]), planted)).toEqual([]);
    const inside = extract(got.file);
    expect(JSON.parse(inside.get('manifest.json') as string)).toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ path: 'status.json' })]),
    });
    expect(leaks(inside, planted)).toEqual([]);
  }, 120_000);

  it('never writes over a file: a usage error, the file untouched', async () => {
    const taken = join(out, 'taken.tar.gz');
    writeFileSync(taken, 'mine');
    const r = await runCli(['support-bundle', '--franchise', ID, '--output', taken], env);
    expect(r.code, why(r)).toBe(2);
    expect(r.err).toContain('exists');
    expect(readFileSync(taken, 'utf8')).toBe('mine');
  });
});

describe('support-bundle of the local daemon', () => {
  let db: TestDatabase;
  let daemon: Daemon;
  const dataDir = mkdtempSync(join(tmpdir(), 'kgc-bundle-local-'));
  const out = mkdtempSync(join(tmpdir(), 'kgc-bundle-local-out-'));
  const envFile = join(out, 'kgc-support.env');
  const planted: Record<string, string> = {
    'the DATABASE_URL password': token('pg'),
    'the webhook secret': `whsec_${randomBytes(32).toString('base64')}`,
    'the GDPR receipt key': token('receipt'),
  };
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    db = await createDatabase('kgc_bundle', { migrated: true });
    // Trust authentication here: the password is carried, never checked.
    const url = new URL(db.url);
    url.password = planted['the DATABASE_URL password'] as string;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      KGC_SUPPORT_FRANCHISES_DIR: join(dataDir, 'no-franchises'),
      KGC_SUPPORT_DATA_DIR: dataDir,
      KGC_SUPPORT_LOG_LEVEL: 'silent',
      KGC_SUPPORT_PORT: '0',
      DATABASE_URL: url.toString(),
      SUPPORT_WEBHOOK_SECRET: planted['the webhook secret'],
      KGC_GDPR_RECEIPT_KEY: planted['the GDPR receipt key'],
    };
    daemon = await startDaemon({ config: loadConfig(env) });
    // The unit file's environment file, as an admin writes it: what the daemon runs with,
    // a variable no code knows, and a key under a name that does not say it is one.
    planted['ACME_SIGNING_SECRET in the env file'] = token('acme');
    planted['a kgc_ key under an innocent name'] = generateKey(cryptoRandom);
    planted['a mirror URL password'] = token('mirror');
    writeFileSync(
      envFile,
      [
        `DATABASE_URL=${env.DATABASE_URL}`,
        `SUPPORT_WEBHOOK_SECRET=${env.SUPPORT_WEBHOOK_SECRET}`,
        `KGC_GDPR_RECEIPT_KEY="${env.KGC_GDPR_RECEIPT_KEY}"`,
        `ACME_SIGNING_SECRET=${planted['ACME_SIGNING_SECRET in the env file']}`,
        `FALLBACK_CREDENTIAL_FOR_ERP=${planted['a kgc_ key under an innocent name']}`,
        `ERP_FALLBACK=${planted['a kgc_ key under an innocent name']}`,
        `NPM_MIRROR=https://deploy:${planted['a mirror URL password']}@npm.example.com/`,
        'KGC_SUPPORT_HEALTH_KEY_EXPIRY=14d,3d',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
  }, 120_000);
  afterAll(async () => {
    await daemon?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("leaves out the daemon's API keys, its admin password and every secret setting", async () => {
    const key = await runCli(
      ['keys', 'create', '--name', 'chatbot', '--scope', 'support:read', '--json'],
      env,
    );
    expect(key.code, why(key)).toBe(0);
    planted['an API key'] = key.json<{ api_key: string }>().api_key;
    const admin = await runCli(['admin', 'password', '--json'], env);
    expect(admin.code, why(admin)).toBe(0);
    planted['the admin password'] = admin.json<{ password: string }>().password;

    const r = await runCli(
      ['support-bundle', '--env-file', envFile, '--output', join(out, 'local.tar.gz'), '--json'],
      env,
    );
    expect(r.code, why(r)).toBe(0);
    const files = extract(r.json<BundleResult>().file);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        'config/settings.json',
        'config/kgc-support.env',
        'status.json',
        'health.json',
        'doctor.json',
        'logs/kgc-support.journal.log',
      ]),
    );
    // Redacted, not dropped: the names stay, and what is no secret stays as it is.
    expect(files.get('config/kgc-support.env')).toMatch(/^ACME_SIGNING_SECRET=<redacted>$/m);
    expect(files.get('config/kgc-support.env')).toMatch(
      /^NPM_MIRROR=https:\/\/deploy:<redacted>@npm\.example\.com\/$/m,
    );
    expect(files.get('config/kgc-support.env')).toMatch(/^KGC_SUPPORT_HEALTH_KEY_EXPIRY=14d,3d$/m);
    // The daemon answered on its admin socket.
    expect(JSON.parse(files.get('status.json') as string)).toMatchObject({
      daemon: { pid: process.pid },
    });
    const settings = JSON.parse(files.get('config/settings.json') as string) as Record<
      string,
      string
    >;
    expect(settings.SUPPORT_WEBHOOK_SECRET).toMatch(/^(<redacted>|\*+)$/);
    expect(settings.DATABASE_URL).toContain('127.0.0.1');
    expect(leaks(files, planted)).toEqual([]);
    expect(existsSync(join(out, 'local.tar.gz'))).toBe(true);
  }, 120_000);
});
