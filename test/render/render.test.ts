/**
 * `render` as an admin runs it: the files it writes, that a re-render changes no byte
 * and keeps the secrets, the permissions, hostile franchise names, drift detection
 * with secrets redacted, and both layouts accepted by the compose tool itself.
 */
import {
  chmodSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env-format.js';
import { SUPPORT_SERVICES } from '../../src/render/services.js';
import { cliEnv, editFranchise, ERP_FLAGS, runCli, tempRoot } from '../helpers/cli.js';

const HOSTILE = 'Kovács és Fia Kft. #2 $';
const QUOTED = 'Szabó & "Társa" Bt.\nO\'Neil \\ 100% # ő';

const composeV1 =
  (await execa('docker-compose', ['version', '--short'], { reject: false })).exitCode === 0;
if (!composeV1) console.warn('SKIP compose validation tests: docker-compose is not installed');

type ComposeDoc = {
  services: Record<
    string,
    {
      profiles?: string[];
      healthcheck?: { test: string[]; interval: string };
      labels?: Record<string, string>;
      environment?: Record<string, string>;
      image?: string;
    }
  >;
};

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const mode = (dir: string, f: string) => statSync(join(dir, f)).mode & 0o777;
const mtime = (dir: string, f: string) => statSync(join(dir, f)).mtimeMs;

/** What the compose tool makes of a project: its own `config`, parsed ($$ is how it prints a $). */
async function composeConfig(dir: string, file = 'docker-compose.yml'): Promise<ComposeDoc> {
  const r = await execa('docker-compose', ['-f', file, '--profile', 'support', 'config'], {
    cwd: dir,
    env: { PATH: process.env.PATH },
    extendEnv: false,
  });
  return parse(r.stdout.replaceAll('$$', '$')) as ComposeDoc;
}

describe('render', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);
  const dirOf = (id: string) => join(root, id);

  async function init(id: string, ...extra: string[]): Promise<string> {
    const r = await cli('init', '--franchise', id, '--name', HOSTILE, ...ERP_FLAGS, ...extra);
    expect(r.code, r.err).toBe(0);
    return dirOf(id);
  }

  beforeAll(() => {
    root = tempRoot();
    env = cliEnv(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the compose file and a 0600 .env with every variable the seed names', async () => {
    const dir = await init('alpha');
    const r = await cli('render', '--franchise', 'alpha', '--json');
    expect(r.code, r.err).toBe(0);
    const [res] =
      r.json<{ files: { path: string; action: string }[]; validated_by: string | null }[]>();
    expect(res?.files.map((f) => f.path)).toEqual([
      'docker-compose.yml',
      '.env',
      'erp/kgc-support-erp.sql',
      'secrets.env',
    ]);
    expect(mode(dir, '.env')).toBe(0o600);
    expect(mode(dir, 'secrets.env')).toBe(0o600);
    expect(mode(dir, 'docker-compose.yml')).toBe(0o644);
    const vars = parseEnv(read(dir, '.env'));
    for (const name of [
      'SUPPORT_MODULE_ENABLED',
      'SUPPORT_API_URL',
      'SUPPORT_CONTEXT_URL',
      'SUPPORT_API_KEY',
      'SUPPORT_WEBHOOK_SECRET',
      'CHATWOOT_ACCOUNT_ID',
      'KNOWLEDGE_BASE_PATH',
      'KGC_API_URL',
      'KGC_API_KEY',
      'CHATWOOT_SECRET_KEY_BASE',
      'CHATWOOT_POSTGRES_PASSWORD',
      'CHATWOOT_REDIS_PASSWORD',
      'KGC_API_PORT',
      'SUPPORT_CHATBOT_PORT',
      'CHATWOOT_PORT',
      'KOKO_CHATBOT_IMAGE',
      'CHATWOOT_IMAGE',
      'COMPOSE_PROJECT_NAME',
    ]) {
      expect(vars.has(name), name).toBe(true);
    }
    expect(vars.get('SUPPORT_MODULE_ENABLED')).toBe('true');
    expect(vars.get('CHATWOOT_ACCOUNT_ID')).toBe('kgc-alpha');
    expect(vars.get('COMPOSE_PROJECT_NAME')).toBe('kgc-alpha');
    expect(vars.get('KGC_API_KEY')).toMatch(/^kgc_[0-9A-Za-z]{36}$/);
    expect(vars.get('SUPPORT_WEBHOOK_SECRET')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res?.validated_by ?? (composeV1 ? 'missing' : null)).toMatch(
      composeV1 ? /docker-compose 1\./ : /.*/,
    );
  });

  it('puts the support services under the profile "support", each with a healthcheck; the ERP under none', () => {
    const doc = parse(read(dirOf('alpha'), 'docker-compose.yml')) as ComposeDoc;
    for (const s of SUPPORT_SERVICES) {
      expect(doc.services[s]?.profiles, s).toEqual(['support']);
      expect(doc.services[s]?.healthcheck?.test.length, s).toBeGreaterThan(1);
      expect(doc.services[s]?.healthcheck?.interval, s).toBe('10s');
    }
    expect(doc.services['kgc-api']?.profiles).toBeUndefined();
  });

  it('an unchanged re-render writes nothing: same bytes, same mtimes, same secrets', async () => {
    const dir = dirOf('alpha');
    const files = ['docker-compose.yml', '.env', 'erp/kgc-support-erp.sql', 'secrets.env'];
    // Set back an hour: a rewrite would stamp the present, whatever the file system's granularity.
    const past = new Date(Date.now() - 3_600_000);
    for (const f of files) utimesSync(join(dir, f), past, past);
    const before = files.map((f) => [read(dir, f), mtime(dir, f)] as const);
    const again = await cli('render', '--franchise', 'alpha', '--json');
    expect(again.code, again.err).toBe(0);
    expect(
      again.json<{ files: { action: string }[]; secrets_generated: string[] }[]>()[0],
    ).toMatchObject({
      files: files.map(() => ({ action: 'unchanged' })),
      secrets_generated: [],
    });
    files.forEach((f, i) => {
      expect(read(dir, f), f).toBe(before[i]?.[0]);
      expect(mtime(dir, f), f).toBe(before[i]?.[1]);
    });
  });

  it('keeps the secrets when secrets.env is lost (read back from the rendered .env)', async () => {
    const dir = dirOf('alpha');
    const env1 = read(dir, '.env');
    unlinkSync(join(dir, 'secrets.env'));
    expect((await cli('render', '--franchise', 'alpha')).code).toBe(0);
    expect(read(dir, '.env')).toBe(env1);
    expect(parseEnv(read(dir, 'secrets.env')).get('SUPPORT_API_KEY')).toBe(
      parseEnv(env1).get('SUPPORT_API_KEY'),
    );
  });

  it('writes 0600 whatever the umask, and puts back a mode someone loosened', async () => {
    const dir = dirOf('alpha');
    chmodSync(join(dir, '.env'), 0o644);
    const old = process.umask(0);
    try {
      const check = await cli('render', '--franchise', 'alpha', '--check', '--json');
      expect(check.code).toBe(1);
      expect(check.json<{ drift: { path: string; drift: string }[] }[]>()[0]?.drift).toEqual([
        { path: '.env', drift: 'mode' },
      ]);
      expect((await cli('render', '--franchise', 'alpha')).code).toBe(0);
      expect(mode(dir, '.env')).toBe(0o600);
      rmSync(join(dir, '.env'));
      expect((await cli('render', '--franchise', 'alpha')).code).toBe(0);
      expect(mode(dir, '.env')).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it('--check exits 1 on drift and --diff shows it with every secret redacted', async () => {
    const dir = dirOf('alpha');
    expect((await cli('render', '--franchise', 'alpha', '--check')).code).toBe(0);
    const secrets = [...parseEnv(read(dir, 'secrets.env')).values()].filter((v) => v.length >= 8);
    const edited = read(dir, '.env')
      .replace(/^SUPPORT_API_KEY=.*$/m, 'SUPPORT_API_KEY=sk_typed_in_by_hand_123')
      .replace(/^CHATWOOT_PORT=.*$/m, 'CHATWOOT_PORT=9999');
    writeFileSync(join(dir, '.env'), edited);
    const check = await cli('render', '--franchise', 'alpha', '--check');
    expect(check.code).toBe(1);
    expect(check.out).toContain('.env (content)');
    const diff = await cli('render', '--franchise', 'alpha', '--diff');
    expect(diff.code).toBe(0); // --diff alone shows; --check decides the exit code
    expect(diff.out).toContain('-CHATWOOT_PORT=9999');
    expect(diff.out).toMatch(/\+CHATWOOT_PORT=\d+/);
    expect(diff.out).toContain('-SUPPORT_API_KEY=<secret SUPPORT_API_KEY: another value>');
    expect(diff.out).toContain('+SUPPORT_API_KEY=<secret SUPPORT_API_KEY>');
    expect(diff.out).not.toContain('sk_typed_in_by_hand_123');
    for (const s of secrets) expect(diff.out).not.toContain(s);
    expect(read(dir, '.env')).toBe(edited); // neither wrote
    expect((await cli('render', '--franchise', 'alpha')).code).toBe(0);
    expect((await cli('render', '--franchise', 'alpha', '--check')).code).toBe(0);
  });

  it('--diff redacts a hand-edited secret written `KEY = value` or `export KEY=value`', async () => {
    const dir = dirOf('alpha');
    expect((await cli('render', '--franchise', 'alpha', '--check')).code).toBe(0);
    const original = read(dir, '.env');
    const edited = original
      .replace(/^SUPPORT_API_KEY=.*$/m, 'SUPPORT_API_KEY = sk_spaced_by_hand_4567')
      .replace(
        /^KGC_SUPPORT_PUBLISH_KEY=.*$/m,
        'export KGC_SUPPORT_PUBLISH_KEY=kgc_exported_by_hand_8910',
      );
    expect(edited).toContain('export KGC_SUPPORT_PUBLISH_KEY='); // both lines exist in the rendered .env
    expect(edited).toContain('SUPPORT_API_KEY = ');
    writeFileSync(join(dir, '.env'), edited);
    try {
      const diff = await cli('render', '--franchise', 'alpha', '--diff');
      expect(diff.code).toBe(0);
      expect(diff.out).toContain('-SUPPORT_API_KEY = <secret SUPPORT_API_KEY: another value>');
      expect(diff.out).toContain(
        '-export KGC_SUPPORT_PUBLISH_KEY=<secret KGC_SUPPORT_PUBLISH_KEY: another value>',
      );
      expect(diff.out).not.toContain('sk_spaced_by_hand_4567');
      expect(diff.out).not.toContain('kgc_exported_by_hand_8910');
    } finally {
      writeFileSync(join(dir, '.env'), original);
    }
  });

  it.skipIf(!composeV1)(
    'hostile names survive YAML and .env: the compose tool reads them back exactly',
    async () => {
      for (const [id, name] of [
        ['hostile', HOSTILE],
        ['quoted', QUOTED],
      ] as const) {
        const dir = await init(id, '--chatwoot-account-id', `acct #1 'x'`);
        editFranchise(dir, (doc) => {
          doc.name = name;
        });
        const r = await cli('render', '--franchise', id);
        expect(r.code, r.err).toBe(0);
        const cfg = await composeConfig(dir);
        expect(cfg.services['support-chatbot']?.environment?.KGC_FRANCHISE_NAME, id).toBe(name);
        expect(cfg.services['support-chatbot']?.environment?.CHATWOOT_ACCOUNT_ID, id).toBe(
          `acct #1 'x'`,
        );
        expect(cfg.services['kgc-api']?.labels?.['hu.kgc.franchise-name'], id).toBe(name);
        expect(parseEnv(read(dir, '.env')).get('KGC_FRANCHISE_NAME')).toBe(name);
      }
    },
  );

  it('refuses a value no .env spelling keeps alike in compose v1 and v2, and writes nothing', async () => {
    const dir = await init('unportable');
    for (const name of ['Kft. ${HOME}', "It's $5"]) {
      editFranchise(dir, (doc) => {
        doc.name = name;
      });
      const r = await cli('render', '--franchise', 'unportable');
      expect(r.code, name).toBe(2);
      expect(r.err).toContain('KGC_FRANCHISE_NAME');
    }
    expect(() => statSync(join(dir, '.env'))).toThrow();
    editFranchise(dir, (doc) => {
      doc.name = 'Fine again';
    });
  });

  it.skipIf(!composeV1)(
    'the separate layout (Option A): two stacks joined by the external network, both valid for compose',
    async () => {
      const dir = await init(
        'beta',
        '--layout',
        'A',
        '--image',
        'koko-chatbot=registry.local:5000/koko/chatbot:1.4.2',
        '--disabled',
      );
      const r = await cli('render', '--franchise', 'beta', '--json');
      expect(r.code, r.err).toBe(0);
      expect(r.json<{ files: { path: string }[] }[]>()[0]?.files.map((f) => f.path)).toEqual([
        'docker-compose.yml',
        '.env',
        'support/docker-compose.support.yml',
        'support/.env',
        'erp/kgc-support-erp.sql',
        'secrets.env',
      ]);
      expect(mode(dir, 'support/.env')).toBe(0o600);
      for (const [cwd, file] of [
        [dir, 'docker-compose.yml'],
        [join(dir, 'support'), 'docker-compose.support.yml'],
      ] as const) {
        const v = await execa('docker-compose', ['-f', file, 'config', '-q'], {
          cwd,
          reject: false,
        });
        expect(v.exitCode, v.stderr).toBe(0);
      }
      const erpEnv = parseEnv(read(dir, '.env'));
      const supEnv = parseEnv(read(dir, 'support/.env'));
      expect(erpEnv.get('SUPPORT_MODULE_ENABLED')).toBe('false');
      expect(erpEnv.get('COMPOSE_PROJECT_NAME')).toBe('kgc-beta');
      expect(supEnv.get('COMPOSE_PROJECT_NAME')).toBe('kgc-beta-support');
      expect(supEnv.get('KOKO_CHATBOT_IMAGE')).toBe('registry.local:5000/koko/chatbot:1.4.2');
      expect(supEnv.get('KNOWLEDGE_BASE_DIR')).toBe('../knowledge-base');
      expect(supEnv.get('KGC_SUPPORT_RUN_DIR')).toBe('../run');
      expect(erpEnv.get('KGC_SUPPORT_PUBLISH_KEY')).toBe(supEnv.get('KGC_SUPPORT_PUBLISH_KEY'));
      expect(erpEnv.get('SUPPORT_API_KEY')).toBe(supEnv.get('SUPPORT_API_KEY'));
      const sup = parse(read(dir, 'support/docker-compose.support.yml')) as {
        networks: Record<string, { external?: boolean; name?: string }>;
        services: ComposeDoc['services'];
      };
      expect(sup.networks['support-integration']).toEqual({
        external: true,
        name: 'kgc-beta-support-integration',
      });
      expect(sup.services['support-chatbot']?.profiles).toBeUndefined();
      const erp = parse(read(dir, 'docker-compose.yml')) as {
        networks: Record<string, { name?: string }>;
      };
      expect(erp.networks['support-integration']?.name).toBe('kgc-beta-support-integration');
    },
  );

  it('--all renders every franchise and refuses ports that clash between franchises', async () => {
    const all = await cli('render', '--all', '--json', '--no-validate');
    expect(all.code, all.err).toBe(0);
    expect(all.json<{ franchise: string }[]>().map((x) => x.franchise)).toEqual([
      'alpha',
      'beta',
      'hostile',
      'quoted',
      'unportable',
    ]);
    const alphaPorts = (
      parse(read(dirOf('alpha'), 'franchise.yaml')) as { ports: { chatbot: number } }
    ).ports;
    editFranchise(dirOf('beta'), (doc) => {
      (doc.ports as Record<string, number>).chatbot = alphaPorts.chatbot;
    });
    const clash = await cli('render', '--franchise', 'beta');
    expect(clash.code).toBe(1);
    expect(clash.err).toContain(
      `port ${alphaPorts.chatbot} is used by franchise alpha (chatbot) and franchise beta (chatbot)`,
    );
  });
});
