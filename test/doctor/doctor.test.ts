/**
 * doctor: each finding with what to do about it, exit 1 on any failure. First the
 * checks over a made-up host (every way to fail), then the command on this host.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overall, runDoctor, type DoctorProbes, type Finding } from '../../src/doctor/doctor.js';
import type { Franchise } from '../../src/franchise/franchise.schema.js';
import type { FranchiseRef } from '../../src/franchise/franchise.store.js';
import { cliEnv, freePortFlags, runCli, tempRoot } from '../helpers/cli.js';
import { dockerUnavailable } from '../helpers/docker.js';

const franchise = (id: string, chatbot = 5001): Franchise => ({
  version: 1, id, name: id, layout: 'profiles',
  support: { enabled: true, chatwoot_account_id: `kgc-${id}`, knowledge_base_path: '/kb/' },
  ports: { erp_api: 3000, daemon: 3030, chatbot, context: 5004, chatwoot: 3080 },
});
const ref = (f: Franchise): FranchiseRef => ({ id: f.id, dir: `/srv/${f.id}`, franchise: f });
const SECRETS = 'SUPPORT_API_KEY=a\nSUPPORT_WEBHOOK_SECRET=b\nKGC_API_KEY=c\nCHATWOOT_SECRET_KEY_BASE=d\nCHATWOOT_POSTGRES_PASSWORD=e\nCHATWOOT_REDIS_PASSWORD=f\nCHATWOOT_API_ACCESS_TOKEN=g\nGEMINI_API_KEY=h\nERP_DATABASE_URL=\n';

function healthyHost(over: Partial<DoctorProbes> = {}): DoctorProbes {
  return {
    engine: async () => ({ version: '27.1.1', apiVersion: '1.46', rootDir: '/var/lib/docker' }),
    compose: async () => ({ kind: 'v2', version: '2.29.7', file: 'docker', prefix: ['compose'], display: 'docker compose' }),
    freeBytes: async () => 50 * 1024 ** 3,
    hostPorts: async (f) => (['erp_api', 'daemon', 'chatbot', 'context', 'chatwoot'] as const).map((key) => ({ key, port: f.ports[key], state: 'ours' as const, by: 'container x' })),
    fileMode: () => 0o600,
    readText: () => SECRETS,
    renderDrift: () => undefined,
    httpOk: async () => ({ ok: true, detail: 'HTTP 200' }),
    daemonContainerRunning: async () => true,
    localDaemon: () => undefined,
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
      [{ engine: async () => { throw new Error('connect ENOENT /var/run/docker.sock'); } }, 'engine', /systemctl start docker/],
      [{ compose: async () => undefined }, 'compose', /compose plugin/],
      [{ compose: async () => ({ kind: 'v1', version: '1.25.0', file: 'docker-compose', prefix: [], display: 'docker-compose' }) }, 'compose', /1\.28/],
      [{ freeBytes: async () => 1024 ** 3 }, 'disk docker', /Free space/],
      [{ hostPorts: async () => [{ key: 'chatbot', port: 5001, state: 'taken', by: 'container other' }] }, 'ports a', /Stop what holds them/],
      [{ fileMode: (p: string) => (p.endsWith('/.env') ? 0o644 : 0o600) }, 'permissions a', /chmod 600 \/srv\/a\/\.env/],
      [{ readText: () => 'SUPPORT_API_KEY=a\n' }, 'secrets a', /render --franchise a/],
      [{ renderDrift: () => '.env (content)' }, 'rendered a', /--diff/],
      [{ httpOk: async () => ({ ok: false, detail: 'ECONNREFUSED' }) }, 'daemon a', /logs --franchise a --service kgc-support/],
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
    const fs = await runDoctor(healthyHost({
      renderDrift: () => 'missing', readText: () => SECRETS.replace('GEMINI_API_KEY=h', 'GEMINI_API_KEY='),
      httpOk: async () => ({ ok: false, detail: 'ECONNREFUSED' }), daemonContainerRunning: async () => false,
      compose: async () => ({ kind: 'v1', version: '1.29.2', file: 'docker-compose', prefix: [], display: 'docker-compose' }),
    }), [a], [], '/srv');
    expect(fs.filter((f) => f.status === 'warn').map((f) => f.check).sort()).toEqual(['compose', 'daemon a', 'rendered a', 'secrets a']);
    expect(overall(fs)).toBe('warn');
    expect(find(fs, 'daemon a')?.hint).toBe('Start it: kgc-support up --franchise a');
  });

  it('finds ports that two franchises share and an invalid franchise.yaml', async () => {
    const fs = await runDoctor(healthyHost(), [a, ref(franchise('b', 5001))], [{ id: 'c', message: 'ports.chatbot: Expected integer' }], '/srv');
    expect(find(fs, 'ports b')?.detail).toContain('port 5001 is used by franchise a (chatbot) and franchise b (chatbot)');
    expect(find(fs, 'config c')?.status).toBe('fail');
  });

  it('accepts a local daemon holding the data directory', async () => {
    const fs = await runDoctor(healthyHost({
      httpOk: async (url) => ({ ok: url.includes(':4040/'), detail: 'x' }), localDaemon: () => ({ pid: 42, port: 4040 }),
    }), [a], [], '/srv');
    expect(find(fs, 'daemon a')).toMatchObject({ status: 'pass', detail: 'a local daemon (pid 42) answers on port 4040' });
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
    expect((await runCli(['init', '--franchise', 'doc', '--name', 'Doktor Kft.', ...ports], env)).code).toBe(0);
    expect((await runCli(['render', '--franchise', 'doc'], env)).code).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports the engine, compose, disk and the franchise, and exits 0 with warnings only', async () => {
    const r = await runCli(['doctor', '--json'], env);
    const res = r.json<{ status: string; checks: Finding[] }>();
    expect(res.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['engine', 'compose', 'disk franchises', 'config doc', 'ports doc', 'rendered doc', 'permissions doc', 'secrets doc', 'daemon doc']));
    expect(res.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('exits 1 when a .env file is readable by others, and says how to fix it', async () => {
    chmodSync(join(root, 'doc', '.env'), 0o644);
    const r = await runCli(['doctor'], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/fail\s+permissions doc\s+\.env is 644/);
    expect(r.out).toContain(`chmod 600 ${join(root, 'doc', '.env')}`);
    chmodSync(join(root, 'doc', '.env'), 0o600);
  });

  it('exits 1 when the engine cannot be reached', async () => {
    const r = await runCli(['doctor', '--json'], { ...env, DOCKER_HOST: `unix://${join(root, 'no-docker.sock')}` });
    expect(r.code).toBe(1);
    expect(r.json<{ checks: Finding[] }>().checks.find((c) => c.check === 'engine')?.status).toBe('fail');
  });
});
