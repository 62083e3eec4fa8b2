/**
 * The support profile on a real Docker engine, with stand-in images built here: an
 * ERP-only stack is started the way an admin starts it; `up` adds the support services
 * and waits until they are healthy; `status` reports them; `down` removes them while
 * the ERP container keeps running, with the same id; `up` works again; a second
 * franchise (the separate layout) runs beside the first without clashing.
 */
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env-format.js';
import { daemonEnvironment } from '../../src/render/daemon-env.js';
import { SUPPORT_SERVICES } from '../../src/render/services.js';
import {
  buildTestImages,
  dockerUnavailable,
  removeProject,
  TEST_HEALTHCHECK,
  type TestImages,
} from '../helpers/docker.js';
import {
  cliEnv,
  editFranchise,
  ERP_FLAGS,
  freePortFlags,
  runCli,
  TEST_ERP_DATABASE_URL,
  tempRoot,
} from '../helpers/cli.js';

const reason = await dockerUnavailable();
if (reason) console.warn(`SKIP docker tests: ${reason}`);
const suite = reason ? describe.skip : describe;

const HOSTILE = 'Kovács és Fia Kft. #2 $';
const run = Date.now().toString(36).slice(-5);
const A = `a${run}`;
const B = `b${run}`;
const C = `c${run}`;

interface Inspect {
  Id: string;
  State: { Status: string; Health?: { Status: string } };
  Config: { Env: string[]; Labels: Record<string, string> };
}

async function containersOf(project: string): Promise<Map<string, Inspect>> {
  const ids = (
    await execa('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
  ).stdout
    .split('\n')
    .filter(Boolean);
  const out = new Map<string, Inspect>();
  if (ids.length === 0) return out;
  for (const c of JSON.parse((await execa('docker', ['inspect', ...ids])).stdout) as Inspect[])
    out.set(c.Config.Labels['com.docker.compose.service'] as string, c);
  return out;
}

// Compose v1 and a busy engine make each step slow: a test here may take minutes on a 2-core machine.
suite('the support profile on a real Docker engine', { timeout: 300_000 }, () => {
  let images: TestImages;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let erpId: string;
  const cli = (...args: string[]) => runCli(args, env);

  async function install(id: string, extra: string[]): Promise<string> {
    const imageFlags = Object.entries(images.overrides).flatMap(([k, v]) => [
      '--image',
      `${k}=${v.image}:${v.tag}`,
    ]);
    const init = await cli(
      'init',
      '--franchise',
      id,
      '--name',
      HOSTILE,
      ...imageFlags,
      ...(await freePortFlags()),
      ...ERP_FLAGS,
      ...extra,
    );
    expect(init.code, init.err).toBe(0);
    const dir = join(root, id);
    editFranchise(dir, (doc) => {
      doc.healthcheck = { ...TEST_HEALTHCHECK };
    });
    const render = await cli('render', '--franchise', id);
    expect(render.code, render.err).toBe(0);
    return dir;
  }

  beforeAll(async () => {
    images = await buildTestImages();
    root = tempRoot();
    env = cliEnv(root);
    const dir = await install(A, []);
    // The ERP alone, the way an admin starts it (seed 6.1: "docker-compose up -d").
    await execa('docker-compose', ['up', '-d'], { cwd: dir });
    const erp = (await containersOf(`kgc-${A}`)).get('kgc-api');
    expect(erp?.State.Status).toBe('running');
    erpId = erp?.Id as string;
  }, 180_000);

  afterAll(async () => {
    for (const p of [`kgc-${A}`, `kgc-${B}`, `kgc-${B}-support`, `kgc-${C}`])
      await removeProject(p);
    await execa('docker', ['network', 'rm', `kgc-${B}-support-integration`], { reject: false });
    await images?.remove();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('starts only the ERP without the profile', async () => {
    expect([...(await containersOf(`kgc-${A}`)).keys()]).toEqual(['kgc-api']);
  });

  it('up adds every support service and waits until each is healthy', async () => {
    const t0 = Date.now();
    const up = await cli('up', '--franchise', A, '--json');
    expect(up.code, up.err).toBe(0);
    console.info(
      `up (${SUPPORT_SERVICES.length} services) healthy in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
    const result = up.json<{ services: { service: string; status: string }[] }>();
    expect(result.services.map((s) => s.service).sort()).toEqual([...SUPPORT_SERVICES].sort());
    const live = await containersOf(`kgc-${A}`);
    for (const s of SUPPORT_SERVICES) {
      expect(live.get(s)?.State.Status, s).toBe('running');
      expect(live.get(s)?.State.Health?.Status, s).toBe('healthy');
    }
    expect(live.get('kgc-api')?.Id).toBe(erpId); // up left the ERP container alone
  });

  it("gives the containers the franchise's values exactly, hostile name and secrets included", async () => {
    const live = await containersOf(`kgc-${A}`);
    const envOf = (s: string) =>
      new Map(
        (live.get(s)?.Config.Env ?? []).map((e) => [
          e.slice(0, e.indexOf('=')),
          e.slice(e.indexOf('=') + 1),
        ]),
      );
    const secrets = parseEnv(readFileSync(join(root, A, 'secrets.env'), 'utf8'));
    expect(envOf('support-chatbot').get('KGC_FRANCHISE_NAME')).toBe(HOSTILE);
    expect(live.get('support-chatbot')?.Config.Labels['hu.kgc.franchise-name']).toBe(HOSTILE);
    expect(envOf('support-chatbot').get('SUPPORT_API_KEY')).toBe(secrets.get('SUPPORT_API_KEY'));
    expect(envOf('kgc-api').get('SUPPORT_WEBHOOK_SECRET')).toBe(
      secrets.get('SUPPORT_WEBHOOK_SECRET'),
    );
    expect(envOf('chatwoot-web').get('POSTGRES_PASSWORD')).toBe(
      secrets.get('CHATWOOT_POSTGRES_PASSWORD'),
    );
    expect(envOf('kgc-api').get('SUPPORT_API_URL')).toBe('http://support-chatbot:5001');
    // The daemon: its own PostgreSQL, the ERP's database, its keys, Chatwoot's numeric account id.
    const daemon = envOf('kgc-support');
    expect(daemon.get('DATABASE_URL')).toBe(
      `postgres://kgc_support:${secrets.get('KGC_SUPPORT_DB_PASSWORD')}@kgc-support-db:5432/kgc_support`,
    );
    expect(envOf('kgc-support-db').get('POSTGRES_PASSWORD')).toBe(
      secrets.get('KGC_SUPPORT_DB_PASSWORD'),
    );
    expect(daemon.get('ERP_DATABASE_URL')).toBe(TEST_ERP_DATABASE_URL);
    expect(daemon.get('CHATWOOT_ACCOUNT_NUMBER')).toBe('1');
    expect(daemon.has('CHATWOOT_ACCOUNT_ID')).toBe(false);
    expect(daemon.get('KGC_SUPPORT_PUBLISH_KEY')).toBe(secrets.get('KGC_SUPPORT_PUBLISH_KEY'));
    expect(envOf('kgc-api').get('KGC_SUPPORT_API_KEY')).toBe(
      secrets.get('KGC_SUPPORT_PUBLISH_KEY'),
    );
    // What render checked is what the container got.
    const computed = daemonEnvironment({
      composeText: readFileSync(join(root, A, 'docker-compose.yml'), 'utf8'),
      envText: readFileSync(join(root, A, '.env'), 'utf8'),
    });
    for (const [k, v] of Object.entries(computed)) expect(daemon.get(k), k).toBe(v);
    const mounts = JSON.parse(
      (
        await execa('docker', [
          'inspect',
          '--format',
          '{{json .Mounts}}',
          live.get('kgc-support')?.Id as string,
        ])
      ).stdout,
    ) as { Source: string; Destination: string }[];
    expect(mounts.find((m) => m.Destination === '/run/kgc-support')?.Source).toBe(
      join(root, A, 'run'),
    );
  });

  it("status reports each service's state, health and uptime", async () => {
    const st = await cli('status', '--franchise', A, '--json');
    expect(st.code, st.err).toBe(0);
    const r = st.json<{
      support_healthy: boolean;
      services: {
        service: string;
        state: string;
        health: string;
        uptime_seconds: number | null;
        container: string | null;
      }[];
    }>();
    expect(r.support_healthy).toBe(true);
    for (const s of r.services.filter((x) => x.service !== 'kgc-api')) {
      expect([s.service, s.state, s.health]).toEqual([s.service, 'running', 'healthy']);
      expect(s.uptime_seconds).toBeGreaterThanOrEqual(0);
    }
    expect(r.services.find((s) => s.service === 'kgc-api')?.container).toBe(erpId.slice(0, 12));
    const text = await cli('status', '--franchise', A);
    expect(text.out).toMatch(/support-chatbot\s+support\s+running\s+healthy/);
    expect(text.out).not.toContain(
      readFileSync(join(root, A, 'secrets.env'), 'utf8').match(/SUPPORT_API_KEY=(\S+)/)?.[1] ??
        'none',
    );
  });

  it('down removes only the support services; the ERP keeps running with the same container id', async () => {
    const down = await cli('down', '--franchise', A, '--json');
    expect(down.code, down.err).toBe(0);
    const live = await containersOf(`kgc-${A}`);
    expect([...live.keys()]).toEqual(['kgc-api']);
    expect(live.get('kgc-api')?.Id).toBe(erpId);
    expect(live.get('kgc-api')?.State.Status).toBe('running');
    const nets = (await execa('docker', ['network', 'ls', '--format', '{{.Name}}'])).stdout;
    expect(nets).toContain(`kgc-${A}_erp`);
    // The daemon's state stays for the next up.
    expect((await execa('docker', ['volume', 'ls', '-q'])).stdout.split('\n')).toContain(
      `kgc-${A}_kgc-support-db`,
    );
  });

  it('up works again after down', async () => {
    const up = await cli('up', '--franchise', A);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain(`${SUPPORT_SERVICES.length} support service(s) healthy`);
    expect((await containersOf(`kgc-${A}`)).get('kgc-api')?.Id).toBe(erpId);
  });

  it('runs a second franchise (separate layout) beside the first without clashing', async () => {
    await install(B, ['--layout', 'separate']);
    const up = await cli('up', '--franchise', B, '--erp', '--json');
    expect(up.code, up.err).toBe(0);
    const erpB = await containersOf(`kgc-${B}`);
    const supB = await containersOf(`kgc-${B}-support`);
    expect([...erpB.keys()]).toEqual(['kgc-api']);
    expect([...supB.keys()].sort()).toEqual([...SUPPORT_SERVICES].sort());
    const a = await cli('status', '--franchise', A, '--json');
    const b = await cli('status', '--franchise', B, '--json');
    expect(a.json<{ support_healthy: boolean }>().support_healthy).toBe(true);
    expect(b.json<{ support_healthy: boolean }>().support_healthy).toBe(true);
    // B's ERP and support stacks share only B's integration network.
    const nets = (
      await execa('docker', [
        'inspect',
        '--format',
        '{{json .NetworkSettings.Networks}}',
        erpB.get('kgc-api')?.Id as string,
      ])
    ).stdout;
    expect(Object.keys(JSON.parse(nets) as object).sort()).toEqual(
      [`kgc-${B}-support-integration`, `kgc-${B}_default`].sort(),
    );
    const down = await cli('down', '--franchise', B);
    expect(down.code, down.err).toBe(0);
    expect((await containersOf(`kgc-${B}`)).get('kgc-api')?.State.Status).toBe('running');
    expect((await containersOf(`kgc-${B}-support`)).size).toBe(0);
    expect((await containersOf(`kgc-${A}`)).get('support-chatbot')?.State.Status).toBe('running');
  });

  it("logs shows a support service's output", async () => {
    const logs = await cli('logs', '--franchise', A, '--service', 'support-chatbot', '--tail', '5');
    expect(logs.code, logs.err).toBe(0);
    expect(logs.out).toContain('stand-in serving /www on port 5001');
    const json = await cli('logs', '--franchise', A, '--service', 'support-chatbot', '--json');
    expect(json.code, json.err).toBe(0);
    expect(json.json<{ services: { service: string; lines: string[] }[] }>().services).toEqual([
      {
        service: 'support-chatbot',
        container: expect.stringContaining('support-chatbot'),
        lines: ['stand-in serving /www on port 5001'],
      },
    ]);
  });

  it('up refuses stale rendered files, and a port another process holds, before starting anything', async () => {
    const dir = await install(C, []);
    editFranchise(dir, (doc) => {
      (doc.support as Record<string, unknown>).chatwoot_account_id = 'changed-by-hand';
    });
    const stale = await cli('up', '--franchise', C);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain(`run kgc-support render --franchise ${C}`);
    expect((await cli('render', '--franchise', C)).code).toBe(0);
    const port = (
      parse(readFileSync(join(dir, 'franchise.yaml'), 'utf8')) as { ports: { chatbot: number } }
    ).ports.chatbot;
    const squatter = createServer().listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const taken = await cli('up', '--franchise', C);
      expect(taken.code).toBe(1);
      expect(taken.err).toContain(`${port} (chatbot) is taken by a process on this host`);
    } finally {
      squatter.close();
    }
    expect((await containersOf(`kgc-${C}`)).size).toBe(0);
  });

  it('up gives up on a service that turns unhealthy and prints its last log lines', async () => {
    const dir = join(root, C);
    // The chatbot's image replaced by one that serves nothing: its health check fails.
    editFranchise(dir, (doc) => {
      (doc.images as Record<string, unknown>)['koko-chatbot'] = images.overrides['kgc-api'];
    });
    expect((await cli('render', '--franchise', C)).code).toBe(0);
    const t0 = Date.now();
    const up = await cli(
      'up',
      '--franchise',
      C,
      '--service',
      'support-chatbot',
      '--timeout',
      '240s',
    );
    expect(up.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(120_000); // unhealthy is final: no waiting for the 240 s timeout
    expect(up.err).toContain('support-chatbot: unhealthy');
    expect(up.err).toMatch(/last 20 log lines of kgc-c\w+[_-]support-chatbot/);
    expect(up.err).toContain('stand-in idle: kgc-api');
    expect(up.err).toContain(`franchise ${C}: support-chatbot not healthy`);
  });

  it('the pitfall is real: a plain `--profile support down` removes the ERP as well', async () => {
    await execa('docker-compose', ['--profile', 'support', 'down'], { cwd: join(root, A) });
    expect((await containersOf(`kgc-${A}`)).size).toBe(0);
  });
});
