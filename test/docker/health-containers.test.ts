/**
 * `health --franchise` on a real Docker engine with the stand-in images: each support
 * container's state and health through the engine (healthy passes; one whose health
 * check starts failing is reported unhealthy with its check's words; one that is not
 * there fails), the franchise's published ports, and a real daemon listening on the
 * franchise's daemon port that answers /api/support/health to the franchise's own key,
 * which `status` shows as the module's lifecycle.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { parseEnv } from '../../src/render/env-format.js';
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
  tempRoot,
} from '../helpers/cli.js';
import { until } from '../helpers/receiver.js';

const reason = await dockerUnavailable();
if (reason) console.warn(`SKIP docker tests: ${reason}`);
const suite = reason ? describe.skip : describe;

const ID = `h${Date.now().toString(36).slice(-5)}`;
type HealthJson = {
  status: string;
  checks: Record<
    string,
    { componentId?: string; status: string; observedValue?: unknown; output?: string }[]
  >;
};

suite('health --franchise on a real Docker engine', { timeout: 300_000 }, () => {
  let images: TestImages;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let daemon: Daemon | undefined;
  let chatbotId = '';
  const cli = (...args: string[]) => runCli(args, env);
  const containers = (j: HealthJson) =>
    Object.fromEntries((j.checks['containers:health'] ?? []).map((c) => [c.componentId, c.status]));

  beforeAll(async () => {
    images = await buildTestImages();
    root = tempRoot();
    env = cliEnv(root);
    const imageFlags = Object.entries(images.overrides).flatMap(([k, v]) => [
      '--image',
      `${k}=${v.image}:${v.tag}`,
    ]);
    const init = await cli(
      'init',
      '--franchise',
      ID,
      '--name',
      'Health Kft.',
      ...imageFlags,
      ...(await freePortFlags()),
      ...ERP_FLAGS,
    );
    expect(init.code, init.err).toBe(0);
    const dir = join(root, ID);
    editFranchise(dir, (doc) => {
      doc.healthcheck = { ...TEST_HEALTHCHECK };
    });
    expect((await cli('render', '--franchise', ID)).code).toBe(0);
    const up = await cli(
      'up',
      '--franchise',
      ID,
      '--service',
      'support-chatbot,support-context',
      '--timeout',
      '60s',
    );
    expect(up.code, up.err).toBe(0);
    chatbotId = (
      await execa('docker', [
        'ps',
        '-q',
        '--filter',
        `label=com.docker.compose.project=kgc-${ID}`,
        '--filter',
        'label=com.docker.compose.service=support-chatbot',
      ])
    ).stdout.trim();

    // The daemon, in this process, where the franchise publishes its daemon (its container is not started).
    const ports = (
      parse(readFileSync(join(dir, 'franchise.yaml'), 'utf8')) as {
        ports: { daemon: number; chatbot: number; context: number };
      }
    ).ports;
    const secrets = parseEnv(readFileSync(join(dir, 'secrets.env'), 'utf8'));
    // The demo data fills the ERP contract its /ready checks (an empty one fails).
    daemon = await startDaemon({
      memory: true,
      demo: true,
      config: loadConfig({
        KGC_SUPPORT_DATA_DIR: dir,
        KGC_SUPPORT_PORT: String(ports.daemon),
        KGC_SUPPORT_LOG_LEVEL: 'silent',
        KGC_API_KEY: secrets.get('KGC_API_KEY') ?? '',
        SUPPORT_API_URL: `http://127.0.0.1:${ports.chatbot}`,
        SUPPORT_CONTEXT_URL: `http://127.0.0.1:${ports.context}`,
        KGC_SUPPORT_HEALTH_INTERVAL: '500ms',
      }),
    });
    await until(
      () => daemon?.support.view().state === 'HEALTHY',
      20_000,
      'the daemon to find the chatbot healthy',
    );
  }, 180_000);

  afterAll(async () => {
    await daemon?.close();
    await removeProject(`kgc-${ID}`);
    await images?.remove();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it("running, healthy containers pass; the services not started fail as missing; facts come from the daemon with the franchise's key", async () => {
    const r = await cli('health', '--franchise', ID, '--json', '--timeout', '3s');
    const j = r.json<HealthJson>();
    expect(containers(j)).toEqual({
      'chatwoot-postgres': 'fail',
      'chatwoot-redis': 'fail',
      'kgc-support-db': 'fail',
      'kgc-support-redis': 'fail',
      'kgc-support': 'fail',
      'support-context': 'pass',
      'support-chatbot': 'pass',
      'chatwoot-web': 'fail',
      'chatwoot-worker': 'fail',
    });
    expect(
      j.checks['containers:health']?.find((c) => c.componentId === 'support-chatbot')
        ?.observedValue,
    ).toBe('healthy');
    expect(
      j.checks['containers:health']?.find((c) => c.componentId === 'kgc-support')?.output,
    ).toBe('kgc-support: no container');
    expect(j.checks['support-chatbot:responseTime']?.[0]?.status).toBe('pass');
    expect(j.checks['daemon:ready']?.[0]?.status).toBe('pass');
    expect(j.checks['support-module:state']?.[0]).toMatchObject({
      status: 'pass',
      observedValue: 'HEALTHY',
    });
    expect(j.checks['webhooks:dlqDepth']?.[0]?.status).toBe('pass');
    // Chatwoot's Redis is not published: its container stands in, and it is not running.
    expect(j.checks['redis:responseTime']?.[0]).toMatchObject({
      status: 'fail',
      output: 'the chatwoot-redis container does not exist',
    });
    expect(r.code).toBe(1);
  });

  it("a container whose health check starts failing is reported unhealthy, in the words of its check; status shows the daemon's view", async () => {
    await execa('docker', ['exec', chatbotId, '/bin/busybox', 'rm', '/www/health']);
    await until(
      async () =>
        (
          await execa('docker', ['inspect', '--format', '{{.State.Health.Status}}', chatbotId])
        ).stdout.trim() === 'unhealthy',
      30_000,
      'the chatbot container to turn unhealthy',
    );
    const r = await cli('health', '--franchise', ID, '--format', 'nagios', '--timeout', '3s');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(
      /\[CRITICAL\] containers:support-chatbot: support-chatbot: unhealthy: .*404/,
    );
    expect(r.out).toMatch(
      /\[WARNING\] support-chatbot:responseTime: http:\/\/127\.0\.0\.1:\d+\/health answers 404/,
    );
    await until(
      () => daemon?.support.view().state === 'DEGRADED',
      20_000,
      'the daemon to see the chatbot degraded',
    );
    // status exits 1 while a support service does not serve (the unhealthy chatbot; the
    // services this test never started), and still shows the module as the daemon sees it.
    const st = await cli('status', '--franchise', ID, '--json');
    expect(st.code, st.err).toBe(1);
    const sj = st.json<{
      support_healthy: boolean;
      daemon_ready: boolean | null;
      problems: string[];
      support_module: { state: string; deliveries_held: boolean };
    }>();
    expect(sj.support_module).toMatchObject({ state: 'DEGRADED', deliveries_held: false });
    expect(sj.support_healthy).toBe(false);
    expect(sj.daemon_ready).toBe(true);
    expect(sj.problems).toContainEqual(expect.stringMatching(/^support-chatbot: unhealthy: .*404/));
    expect(sj.problems).toContain('kgc-support: not created (start it: kgc-support up)');
    expect(sj.problems.filter((p) => p.startsWith('the daemon'))).toEqual([]);
    const text = await cli('status', '--franchise', ID);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(
      /^Support module: DEGRADED since .*, checked .* ago; webhook deliveries flowing$/m,
    );
    expect(text.out).toMatch(
      /^✖ not healthy:\n( {2}- .*\n)* {2}- support-chatbot: unhealthy: .*404/m,
    );
  });
});
