/**
 * doctor: each finding with what to do about it, exit 1 on any failure. First the
 * checks over a made-up host (every way to fail), then the command on this host.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overall, runDoctor, type DoctorProbes } from '../../src/doctor/doctor.js';
import type { Finding } from '../../src/doctor/finding.js';
import type { Franchise } from '../../src/franchise/franchise.schema.js';
import type { FranchiseRef } from '../../src/franchise/franchise.store.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { cryptoRandom } from '../../src/context/clock.js';
import { packageRoot } from '../../src/config/paths.js';
import { renderFranchise } from '../../src/render/render.js';
import { completeSecrets, secretsFileText } from '../../src/render/secrets.js';
import { loadTemplateSet } from '../../src/render/template.js';
import {
  cliEnv,
  ERP_FLAGS,
  freePortFlags,
  runCli,
  TEST_ERP_DATABASE_URL,
  tempRoot,
} from '../helpers/cli.js';
import { dockerUnavailable } from '../helpers/docker.js';

const franchise = (id: string, chatbot = 5001): Franchise => ({
  version: 1,
  id,
  name: id,
  layout: 'profiles',
  support: { enabled: true, chatwoot_account_id: `kgc-${id}`, knowledge_base_path: '/kb/' },
  ports: { erp_api: 3000, daemon: 3030, chatbot, context: 5004, chatwoot: 3080 },
});
const ref = (f: Franchise): FranchiseRef => ({ id: f.id, dir: `/srv/${f.id}`, franchise: f });
const TEMPLATES = loadTemplateSet(packageRoot());
const GIVEN = {
  CHATWOOT_API_ACCESS_TOKEN: 'g',
  GEMINI_API_KEY: 'h',
  ERP_DATABASE_URL: TEST_ERP_DATABASE_URL,
};
const SECRETS_VALUES = completeSecrets(new Map(), cryptoRandom, GIVEN).secrets;
const SECRETS = secretsFileText(SECRETS_VALUES);

/** The files of a franchise rendered with SECRETS, by path, as readText finds them; `edit` changes one. */
function renderedFiles(
  r: FranchiseRef,
  edit: (path: string, text: string) => string = (_p, t) => t,
): (path: string) => string | undefined {
  const files = new Map(
    renderFranchise(r.franchise, SECRETS_VALUES, TEMPLATES).map((x) => [
      `${r.dir}/${x.path}`,
      edit(x.path, x.content),
    ]),
  );
  return (path) => files.get(path);
}

function healthyHost(over: Partial<DoctorProbes> = {}): DoctorProbes {
  return {
    engine: async () => ({ version: '27.1.1', apiVersion: '1.46', rootDir: '/var/lib/docker' }),
    compose: async () => ({
      kind: 'v2',
      version: '2.29.7',
      file: 'docker',
      prefix: ['compose'],
      display: 'docker compose',
    }),
    freeBytes: async () => 50 * 1024 ** 3,
    hostPorts: async (f) =>
      (['erp_api', 'daemon', 'chatbot', 'context', 'chatwoot'] as const).map((key) => ({
        key,
        port: f.ports[key],
        state: 'ours' as const,
        by: 'container x',
      })),
    fileMode: () => 0o600,
    readText: renderedFiles(ref(franchise('a'))),
    renderDrift: () => undefined,
    httpOk: async () => ({ ok: true, detail: 'HTTP 200' }),
    daemonContainerRunning: async () => true,
    localDaemon: async () => undefined,
    crashLoops: async () => [],
    ...over,
  };
}

const find = (fs: Finding[], check: string) => fs.find((f) => f.check === check);

describe('doctor checks', () => {
  const a = ref(franchise('a'));

  it('passes a healthy host', async () => {
    const fs = await runDoctor(healthyHost(), [a], [], '/srv');
    expect(fs.filter((f) => f.status !== 'pass')).toEqual([]);
    expect(overall(fs)).toBe('pass');
  });

  it('fails, with what to do, for each thing that stands in the way', async () => {
    const cases: [Partial<DoctorProbes>, string, RegExp][] = [
      [
        {
          engine: async () => {
            throw new Error('connect ENOENT /var/run/docker.sock');
          },
        },
        'engine',
        /systemctl start docker/,
      ],
      [{ compose: async () => undefined }, 'compose', /compose plugin/],
      [
        {
          compose: async () => ({
            kind: 'v1',
            version: '1.25.0',
            file: 'docker-compose',
            prefix: [],
            display: 'docker-compose',
          }),
        },
        'compose',
        /1\.28/,
      ],
      [{ freeBytes: async () => 1024 ** 3 }, 'disk docker', /Free space/],
      [
        {
          hostPorts: async () => [
            { key: 'chatbot', port: 5001, state: 'taken', by: 'container other' },
          ],
        },
        'ports a',
        /Stop what holds them/,
      ],
      [
        { fileMode: (p: string) => (p.endsWith('/.env') ? 0o644 : 0o600) },
        'permissions a',
        /chmod 600 \/srv\/a\/\.env/,
      ],
      [{ readText: () => 'SUPPORT_API_KEY=a\n' }, 'secrets a', /render --franchise a/],
      [{ renderDrift: () => '.env (content)' }, 'rendered a', /--diff/],
      [
        { httpOk: async () => ({ ok: false, detail: 'ECONNREFUSED' }) },
        'daemon a',
        /logs --franchise a --service kgc-support/,
      ],
    ];
    for (const [probe, check, hint] of cases) {
      const fs = await runDoctor(healthyHost(probe), [a], [], '/srv');
      const f = find(fs, check);
      expect(f?.status, check).toBe('fail');
      expect(f?.hint, check).toMatch(hint);
      expect(overall(fs)).toBe('fail');
    }
  });

  it('warns, without failing, before anything is installed', async () => {
    const fs = await runDoctor(
      healthyHost({
        renderDrift: () => 'missing',
        readText: (p) =>
          p.endsWith('/secrets.env')
            ? SECRETS.replace('GEMINI_API_KEY=h', 'GEMINI_API_KEY=')
            : undefined,
        httpOk: async () => ({ ok: false, detail: 'ECONNREFUSED' }),
        daemonContainerRunning: async () => false,
        compose: async () => ({
          kind: 'v1',
          version: '1.29.2',
          file: 'docker-compose',
          prefix: [],
          display: 'docker-compose',
        }),
      }),
      [a],
      [],
      '/srv',
    );
    expect(
      fs
        .filter((f) => f.status === 'warn')
        .map((f) => f.check)
        .sort(),
    ).toEqual(['compose', 'daemon a', 'rendered a', 'secrets a']);
    expect(overall(fs)).toBe('warn');
    expect(find(fs, 'daemon a')?.hint).toBe('Start it: kgc-support up --franchise a');
  });

  it("fails without the ERP database, or with the daemon's container itself as its host", async () => {
    for (const url of ['', 'postgres://r:pw@localhost:5432/kgc']) {
      const fs = await runDoctor(
        healthyHost({
          readText: renderedFiles(a, (p, t) =>
            p === 'secrets.env'
              ? t.replace(/^ERP_DATABASE_URL=.*$/m, `ERP_DATABASE_URL=${url}`)
              : t,
          ),
        }),
        [a],
        [],
        '/srv',
      );
      expect(find(fs, 'erp database a'), url).toMatchObject({
        status: 'fail',
        hint: expect.stringContaining('ERP_DATABASE_URL=postgres://'),
      });
    }
  });

  it('fails an installed franchise whose rendered .env the daemon would refuse, naming the value, its source and the fix', async () => {
    const fs = await runDoctor(
      healthyHost({
        readText: renderedFiles(a, (p, t) =>
          p === '.env'
            ? t.replace(/^SUPPORT_WEBHOOK_SECRET=.*$/m, 'SUPPORT_WEBHOOK_SECRET=webhook_secret')
            : t,
        ),
      }),
      [a],
      [],
      '/srv',
    );
    const x = find(fs, 'daemon env a');
    expect(x?.status).toBe('fail');
    expect(x?.detail).toContain('SUPPORT_WEBHOOK_SECRET');
    expect(x?.detail).toContain('from secrets.env line SUPPORT_WEBHOOK_SECRET');
    expect(x?.detail).toContain('kgc-support render --franchise a');
    expect(find(fs, 'daemon env a')?.hint).toMatch(/render --franchise a/);
  });

  it('warns when an installed daemon keeps its state in PGlite (a stack rendered before kgc-support-db)', async () => {
    const fs = await runDoctor(
      healthyHost({
        readText: renderedFiles(a, (p, t) =>
          p === 'docker-compose.yml' ? t.replace(/^ *DATABASE_URL: .*\n/m, '') : t,
        ),
      }),
      [a],
      [],
      '/srv',
    );
    expect(find(fs, 'daemon store a')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('PGlite'),
      hint: expect.stringContaining('kgc-support-db'),
    });
    expect(find(fs, 'daemon env a')?.status).toBe('pass');
    const ok = await runDoctor(healthyHost(), [a], [], '/srv');
    expect(find(ok, 'daemon store a')).toMatchObject({
      status: 'pass',
      detail: 'PostgreSQL at kgc-support-db:5432',
    });
  });

  it('finds ports that two franchises share and an invalid franchise.yaml', async () => {
    const fs = await runDoctor(
      healthyHost(),
      [a, ref(franchise('b', 5001))],
      [{ id: 'c', message: 'ports.chatbot: Expected integer' }],
      '/srv',
    );
    expect(find(fs, 'ports b')?.detail).toContain(
      'port 5001 is used by franchise a (chatbot) and franchise b (chatbot)',
    );
    expect(find(fs, 'config c')?.status).toBe('fail');
  });

  it('fails a franchise daemon that is alive but not ready, with the failing checks and where to look', async () => {
    const fs = await runDoctor(
      healthyHost({
        httpOk: async (url) =>
          url.endsWith('/ready')
            ? {
                ok: false,
                detail:
                  'HTTP 503: erp_contract (the ERP contract is empty: kgc_erp.customers has no rows)',
              }
            : { ok: true, detail: 'HTTP 200' },
      }),
      [a],
      [],
      '/srv',
    );
    const d = find(fs, 'daemon a');
    expect(d?.status).toBe('fail');
    expect(d?.detail).toContain('kgc_erp.customers has no rows');
    expect(d?.hint).toContain('ERP_DATABASE_URL');
    expect(find(fs, 'daemon a')?.detail).not.toContain('answers ready');
  });

  it('fails a crash-looping container, naming it with its cause and last log lines, and sends nobody back to up', async () => {
    const fs = await runDoctor(
      healthyHost({
        httpOk: async () => ({ ok: false, detail: 'connection refused' }),
        daemonContainerRunning: async () => false,
        crashLoops: async () => [
          {
            service: 'kgc-support',
            container: 'kgc-a-kgc-support-1',
            detail: 'restarting (7 restart(s) so far), last exit code 2',
            lastLines: 'KGC_API_KEY: not a kgc_ key\n',
          },
        ],
      }),
      [a],
      [],
      '/srv',
    );
    const loop = find(fs, 'container a kgc-support');
    expect(loop?.status).toBe('fail');
    expect(loop?.detail).toContain(
      'kgc-a-kgc-support-1: restarting (7 restart(s) so far), last exit code 2',
    );
    expect(loop?.detail).toContain('│ KGC_API_KEY: not a kgc_ key');
    expect(find(fs, 'daemon a')?.status).toBe('fail');
    expect(find(fs, 'daemon a')?.hint).not.toMatch(/kgc-support up/);
    expect(overall(fs)).toBe('fail');
  });

  it('accepts a local daemon holding the data directory', async () => {
    const fs = await runDoctor(
      healthyHost({
        httpOk: async (url) => ({ ok: url.includes(':4040/'), detail: 'x' }),
        localDaemon: async () => ({ pid: 42, port: 4040 }),
      }),
      [a],
      [],
      '/srv',
    );
    expect(find(fs, 'daemon a')).toMatchObject({
      status: 'pass',
      detail: 'a local daemon (pid 42) answers on port 4040',
    });
  });
});

const noDocker = await dockerUnavailable();
if (noDocker) console.warn(`SKIP doctor on this host: ${noDocker}`);

describe.skipIf(noDocker !== undefined)('kgc-support doctor on this host', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    root = tempRoot();
    env = cliEnv(root, { KGC_SUPPORT_DATA_DIR: join(root, 'data') });
    const ports = await freePortFlags();
    expect(
      (
        await runCli(
          ['init', '--franchise', 'doc', '--name', 'Doktor Kft.', ...ports, ...ERP_FLAGS],
          env,
        )
      ).code,
    ).toBe(0);
    expect((await runCli(['render', '--franchise', 'doc'], env)).code).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports the engine, compose, disk and the franchise, and fails only for images this host lacks', async () => {
    const r = await runCli(['doctor', '--json'], env);
    const res = r.json<{ status: string; checks: Finding[] }>();
    expect(res.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'engine',
        'compose',
        'disk franchises',
        'config doc',
        'ports doc',
        'rendered doc',
        'permissions doc',
        'secrets doc',
        'daemon doc',
        'erp database doc',
        'daemon env doc',
        'daemon store doc',
        'images doc',
      ]),
    );
    // The released images are not on a test host, so the image check may fail here.
    expect(res.checks.filter((c) => c.status === 'fail' && c.check !== 'images doc')).toEqual([]);
    expect(r.code).toBe(res.checks.some((c) => c.status === 'fail') ? 1 : 0);
  });

  it('exits 1 when a .env file is readable by others, and says how to fix it', async () => {
    chmodSync(join(root, 'doc', '.env'), 0o644);
    const r = await runCli(['doctor'], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/fail\s+permissions doc\s+\.env is 644/);
    expect(r.out).toContain(`chmod 600 ${join(root, 'doc', '.env')}`);
    chmodSync(join(root, 'doc', '.env'), 0o600);
  });

  it('exits 1 when the rendered .env holds a value the daemon would refuse', async () => {
    const file = join(root, 'doc', '.env');
    const good = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      good.replace(/^SUPPORT_WEBHOOK_SECRET=.*$/m, 'SUPPORT_WEBHOOK_SECRET=webhook_secret'),
    );
    try {
      const r = await runCli(['doctor', '--json'], env);
      expect(r.code).toBe(1);
      expect(
        r.json<{ checks: Finding[] }>().checks.find((c) => c.check === 'daemon env doc'),
      ).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('SUPPORT_WEBHOOK_SECRET'),
      });
    } finally {
      writeFileSync(file, good);
    }
  });

  it('exits 1 when the engine cannot be reached', async () => {
    const r = await runCli(['doctor', '--json'], {
      ...env,
      DOCKER_HOST: `unix://${join(root, 'no-docker.sock')}`,
    });
    expect(r.code).toBe(1);
    expect(r.json<{ checks: Finding[] }>().checks.find((c) => c.check === 'engine')?.status).toBe(
      'fail',
    );
  });
});
