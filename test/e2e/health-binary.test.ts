/**
 * `kgc-support health` as cron and Nagios run it: the real binary (dist/), a fresh
 * process each time. The Nagios line and exit code, healthy and broken; the whole
 * process ends within its bound when every target accepts connections and never
 * answers (environment and --franchise, the Docker engine included); --watch prints a
 * line per round and ends with 130 on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { cliEnv, ERP_FLAGS, runCli, tempRoot } from '../helpers/cli.js';
import {
  chatwootBody,
  refusedPort,
  silentServer,
  standIn,
  type StandIn,
} from '../helpers/health.js';
import { createDatabase } from '../helpers/pg.js';
import { until } from '../helpers/receiver.js';
import { BIN } from './daemon-process.js';

const TIMEOUT_S = 1;
/**
 * What silent targets may add to a run whose targets all refuse at once: the time
 * limit, the 1 s deadline margin, and 2 s of slack for a busy machine. The process's
 * own start and exit are measured in the same run (the baseline), so load moves both.
 * A process kept alive by a socket, or waiting on the OS's TCP timeout, is far past it.
 */
const SILENCE_BOUND_MS = TIMEOUT_S * 1000 + 1_000 + 2_000;

/** The binary in its own process (asynchronously: the stand-ins and the daemon live in this one). */
function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'health', '--timeout', `${TIMEOUT_S}s`, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, out, err, ms: performance.now() - t0 });
    }),
  );
}

interface FranchisePorts {
  daemon: number;
  chatbot: number;
  context: number;
  chatwoot: number;
  erp: number;
}

/** A franchise under `root` whose services are expected on the given ports. */
async function initFranchise(root: string, id: string, p: FranchisePorts): Promise<void> {
  const init = await runCli(
    [
      'init',
      '--franchise',
      id,
      '--name',
      `${id} Kft.`,
      '--daemon-port',
      String(p.daemon),
      '--chatbot-port',
      String(p.chatbot),
      '--context-port',
      String(p.context),
      '--chatwoot-port',
      String(p.chatwoot),
      '--erp-port',
      String(p.erp),
      ...ERP_FLAGS,
    ],
    cliEnv(root),
  );
  expect(init.code, init.err).toBe(0);
}

describe('kgc-support health, the real binary', () => {
  const closers: (() => Promise<void>)[] = [];
  const dirs: string[] = [];
  let healthyEnv: NodeJS.ProcessEnv;
  let daemon: Daemon;
  let chatbot: StandIn;

  beforeAll(async () => {
    chatbot = await standIn();
    const context = await standIn();
    const chatwoot = await standIn(() => ({ status: 200, body: chatwootBody() }));
    const db = await createDatabase('kgc_health_e2e');
    const dataDir = mkdtempSync(join(tmpdir(), 'kgc-health-e2e-'));
    dirs.push(dataDir);
    healthyEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      KGC_SUPPORT_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      SUPPORT_API_URL: chatbot.url,
      SUPPORT_CONTEXT_URL: context.url,
      CHATWOOT_URL: chatwoot.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    // With the demo ERP data: an empty read contract fails /ready (and so daemon:ready) by design.
    daemon = await startDaemon({
      config: loadConfig({ ...healthyEnv, KGC_SUPPORT_PORT: '0', KGC_SUPPORT_LOG_LEVEL: 'silent' }),
      demo: true,
    });
    await until(() => daemon.support.view().state === 'ACTIVE', 20_000, 'discovery');
    // Closed in reverse: the daemon first, its database last.
    closers.push(
      () => db.drop(),
      () => chatbot.close(),
      () => context.close(),
      () => chatwoot.close(),
      () => daemon.close(),
    );
  });

  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('nagios: OK with exit 0 when all is healthy, CRITICAL with exit 2 when the chatbot is gone', async () => {
    const ok = await run(['--format', 'nagios'], healthyEnv);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toMatch(/^KGC-SUPPORT OK - 13 checks pass \(environment\)\|'daemon'=\d+ms;;;0 /);
    expect(ok.out.trim().split('\n')).toHaveLength(1);
    const gone = await run(['--format', 'nagios'], {
      ...healthyEnv,
      SUPPORT_API_URL: `http://127.0.0.1:${await refusedPort()}`,
    });
    expect(gone.code).toBe(2);
    expect(gone.out).toMatch(
      /^KGC-SUPPORT CRITICAL - 1 critical: support-chatbot:responseTime \(http:\/\/127\.0\.0\.1:\d+\/health connection refused\)\|/,
    );
    expect(gone.out).toMatch(/\n\[CRITICAL\] support-chatbot:responseTime: /);
    const usage = await run(['--format', 'nagios', '--dlq', 'lots'], healthyEnv);
    expect([usage.code, usage.out]).toEqual([
      3,
      'KGC-SUPPORT UNKNOWN - --dlq: "lots" is not a whole number\n',
    ]);
  });

  /** The packages a run of the binary loads (ES modules, as a loader hook sees them resolved). */
  async function packagesLoaded(
    args: string[],
    env: NodeJS.ProcessEnv,
  ): Promise<{ code: number | null; files: string[]; packages: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'kgc-loader-'));
    dirs.push(dir);
    const loader = join(dir, 'loader.mjs');
    writeFileSync(
      loader,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(join(dir, 'loaded.txt'))}, r.url + '\\n');
  return r;
}`,
    );
    const child = spawn(
      process.execPath,
      ['--no-warnings', '--experimental-loader', loader, BIN, 'health', ...args],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const code = await new Promise<number | null>((r) => child.once('close', r));
    const files = readFileSync(join(dir, 'loaded.txt'), 'utf8').split('\n').filter(Boolean);
    return {
      code,
      files,
      packages: [
        ...new Set(files.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? [])),
      ].sort(),
    };
  }

  it('stays cheap: all healthy, it loads no database engine, no HTTP server, no client library (commander, and chalk for colour, are its only packages)', async () => {
    const { code, files, packages } = await packagesLoaded(['--json'], healthyEnv);
    expect(code).toBe(0);
    expect(files.some((u) => u.includes('/dist/health/run.js'))).toBe(true);
    // chalk (no dependencies of its own, ~14 ms to import) colours the human output.
    expect(packages).toEqual(['chalk', 'commander']);
  });

  it('stays cheap with --franchise: the franchise file and the Docker client, not the installer (no execa, renderer or prompts)', async () => {
    const root = tempRoot();
    dirs.push(root);
    const [daemon, chatbot, context, chatwoot, erp] = (await Promise.all(
      [0, 1, 2, 3, 4].map(() => refusedPort()),
    )) as [number, number, number, number, number];
    await initFranchise(root, 'light', { daemon, chatbot, context, chatwoot, erp });
    const { code, files, packages } = await packagesLoaded(
      ['--format', 'nagios', '--franchise', 'light', '--timeout', '1s'],
      { ...healthyEnv, KGC_SUPPORT_FRANCHISES_DIR: root },
    );
    expect(code).toBe(2);
    expect(files.some((u) => u.includes('/dist/franchise/franchise.store.js'))).toBe(true);
    expect(packages).toEqual(['@sinclair/typebox', 'chalk', 'commander', 'dockerode', 'yaml']);
  });

  it('ends within its bound when every target accepts and never answers (environment and --franchise, Docker included)', async () => {
    const [daemonS, chatbotS, contextS, chatwootS, otherS] = await Promise.all([
      silentServer(),
      silentServer(),
      silentServer(),
      silentServer(),
      silentServer(),
    ]);
    closers.push(...[daemonS, chatbotS, contextS, chatwootS, otherS].map((s) => () => s.close()));
    // A Docker engine that never answers.
    const dockerDir = mkdtempSync(join(tmpdir(), 'kgc-docker-'));
    dirs.push(dockerDir);
    const dockerSock = join(dockerDir, 'docker.sock');
    const sockets = new Set<Socket>();
    const docker: Server = createServer((c) => {
      sockets.add(c);
    });
    await new Promise<void>((r) => docker.listen(dockerSock, r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          docker.close(() => r());
        }),
    );

    const emptyDir = mkdtempSync(join(tmpdir(), 'kgc-health-hang-'));
    dirs.push(emptyDir);
    const envHang: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      KGC_SUPPORT_DATA_DIR: emptyDir,
      KGC_SUPPORT_PORT: String(daemonS.port),
      SUPPORT_API_URL: chatbotS.url('http'),
      SUPPORT_CONTEXT_URL: contextS.url('http'),
      CHATWOOT_URL: chatwootS.url('http'),
      REDIS_URL: otherS.url('redis'),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${otherS.port}/kgc`,
      DOCKER_HOST: `unix://${dockerSock}`,
    };
    const root = tempRoot();
    dirs.push(root);
    await initFranchise(root, 'hang', {
      daemon: daemonS.port,
      chatbot: chatbotS.port,
      context: contextS.port,
      chatwoot: chatwootS.port,
      erp: await refusedPort(),
    });

    // The baselines: the same two commands at the same moment with every target refusing at
    // once, so that the machine's load weighs on both sides alike.
    const refused = await Promise.all([0, 1, 2, 3, 4, 5].map(() => refusedPort()));
    const [rDaemon, rChatbot, rContext, rChatwoot, rErp, rOther] = refused as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const envRefused: NodeJS.ProcessEnv = {
      ...envHang,
      KGC_SUPPORT_PORT: String(rDaemon),
      SUPPORT_API_URL: `http://127.0.0.1:${rChatbot}`,
      SUPPORT_CONTEXT_URL: `http://127.0.0.1:${rContext}`,
      CHATWOOT_URL: `http://127.0.0.1:${rChatwoot}`,
      REDIS_URL: `redis://127.0.0.1:${rOther}`,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${rOther}/kgc`,
      DOCKER_HOST: `unix://${join(emptyDir, 'no-engine.sock')}`,
    };
    await initFranchise(root, 'refused', {
      daemon: rDaemon,
      chatbot: rChatbot,
      context: rContext,
      chatwoot: rChatwoot,
      erp: rErp,
    });
    const [env, franchise, envBase, franchiseBase] = await Promise.all([
      run(['--json'], envHang),
      run(['--format', 'nagios', '--franchise', 'hang'], {
        ...envHang,
        KGC_SUPPORT_FRANCHISES_DIR: root,
      }),
      run(['--json'], envRefused),
      run(['--format', 'nagios', '--franchise', 'refused'], {
        ...envRefused,
        KGC_SUPPORT_FRANCHISES_DIR: root,
      }),
    ]);
    console.info(
      `health with every target silent: ${env.ms.toFixed(0)} ms (environment), ${franchise.ms.toFixed(0)} ms (--franchise); ` +
        `every target refusing: ${envBase.ms.toFixed(0)} ms, ${franchiseBase.ms.toFixed(0)} ms; time limit ${TIMEOUT_S} s, silence may add ${SILENCE_BOUND_MS} ms`,
    );
    expect([envBase.code, franchiseBase.code], envBase.err + franchiseBase.err).toEqual([1, 2]);
    expect(env.ms).toBeLessThan(envBase.ms + SILENCE_BOUND_MS);
    expect(franchise.ms).toBeLessThan(franchiseBase.ms + SILENCE_BOUND_MS);
    expect(env.code).toBe(1);
    const j = JSON.parse(env.out) as {
      checks: Record<string, { status: string; output?: string }[]>;
    };
    for (const key of [
      'daemon:responseTime',
      'support-chatbot:responseTime',
      'support-context:responseTime',
      'chatwoot:responseTime',
      'redis:responseTime',
      'database:responseTime',
    ]) {
      expect([key, j.checks[key]?.[0]?.status, j.checks[key]?.[0]?.output]).toEqual([
        key,
        'fail',
        expect.stringMatching(/no answer within 1 s/),
      ]);
    }
    expect(j.checks['api-keys:expiring']?.[0]?.status).toBe('warn');
    expect(franchise.code).toBe(2);
    expect(franchise.out).toMatch(/^KGC-SUPPORT CRITICAL - /);
    expect(franchise.out).toMatch(
      /\[CRITICAL\] containers:health: the Docker engine: no answer within 1 s/,
    );
    expect(franchise.out).toMatch(
      /\[CRITICAL\] support-chatbot:responseTime: http:\/\/127\.0\.0\.1:\d+\/health no answer within 1 s/,
    );
  });

  it('--watch prints a line per round and ends with 130 on Ctrl-C', async () => {
    // A per-check limit with room: on a saturated machine the daemon in this process may take over 1 s to answer.
    const child = spawn(
      process.execPath,
      [BIN, 'health', '--watch', '1s', '--format', 'nagios', '--timeout', '10s'],
      { env: healthyEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    await until(
      () => out.split('\n').filter((l) => l.startsWith('KGC-SUPPORT')).length >= 2,
      15_000,
      'two rounds',
    );
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(130);
    expect(
      out
        .trim()
        .split('\n')
        .every((l) => l.startsWith('KGC-SUPPORT OK - 13 checks pass')),
    ).toBe(true);
  });
});
