/**
 * `kgc-support health` against real stand-ins on 127.0.0.1, with a real daemon (on a
 * fresh PostgreSQL database, its admin socket in a data directory), the real Redis and
 * PostgreSQL: all healthy passes; a target that is slow past its limit, answers 500,
 * refuses connections, never answers, or a Chatwoot that answers 200 with
 * "data_services":"failing" each fail that check, with the right exit code in every
 * format; and every run ends within its bound (time limit + 1 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { publishEvent } from '../../src/events/events.service.js';
import { createKey } from '../../src/keys/keys.service.js';
import { ERP_FLAGS, errorOf, runCli, type CliRun } from '../helpers/cli.js';
import {
  chatwootBody,
  HEALTHY,
  refusedPort,
  silentServer,
  standIn,
  statuses,
  type StandIn,
} from '../helpers/health.js';
import { createDatabase } from '../helpers/pg.js';
import { until } from '../helpers/receiver.js';
import { SAMPLES, SECRET } from '../helpers/webhooks.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

type HealthJson = {
  status: string;
  checks: Record<string, { status: string; output?: string; observedValue?: unknown }[]>;
};

const TIMEOUT = '1s';
/** The run's bound: the time limit, the 1 s deadline margin, and 1.5 s for a busy machine (the slow stand-in takes 10 s). */
const BOUND_MS = 3_500;

describe('kgc-support health against stand-ins', () => {
  let chatbot: StandIn;
  let context: StandIn;
  let chatwoot: StandIn;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let refused: number;
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let dataDir: string;
  let daemon: Daemon;
  let env: NodeJS.ProcessEnv;

  /** Runs the CLI in-process and measures its wall time. */
  async function health(
    args: string[],
    over: NodeJS.ProcessEnv = {},
  ): Promise<CliRun & { ms: number }> {
    const t0 = performance.now();
    const r = await runCli(['health', '--timeout', TIMEOUT, ...args], { ...env, ...over });
    return { ...r, ms: performance.now() - t0 };
  }

  beforeAll(async () => {
    chatbot = await standIn((path) => (path.startsWith('/webhook/') ? { status: 410 } : HEALTHY));
    context = await standIn();
    chatwoot = await standIn(() => ({ status: 200, body: chatwootBody() }));
    silent = await silentServer();
    refused = await refusedPort();
    db = await createDatabase('kgc_health');
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-health-'));
    env = {
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
    // The demo data fills the ERP contract its /ready checks (an empty one fails).
    daemon = await startDaemon({
      demo: true,
      config: loadConfig({
        ...env,
        KGC_SUPPORT_PORT: '0',
        KGC_SUPPORT_LOG_LEVEL: 'silent',
        SUPPORT_WEBHOOK_SECRET: SECRET,
        KGC_SUPPORT_WEBHOOK_SCHEDULE: '0',
        KGC_SUPPORT_WEBHOOK_POLL: '100ms',
      }),
    });
    await until(
      () => daemon.support.view().state === 'ACTIVE',
      20_000,
      'the daemon to find Support',
    );
  });

  afterAll(async () => {
    await daemon?.close();
    for (const s of [chatbot, context, chatwoot]) await s?.close();
    await silent?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('all healthy: exit 0 in every format; the facts come from the running daemon', async () => {
    const table = await health([]);
    expect(table.code, table.out + table.err).toBe(0);
    expect(table.out).toMatch(/^kgc-support health \(environment\): PASS, 13 checks in /);
    expect(table.out).not.toMatch(/✖ fail|! warn|\? unkn/);
    const json = await health(['--json']);
    expect(json.code).toBe(0);
    const j = json.json<HealthJson>();
    expect(j.status).toBe('pass');
    expect(Object.values(statuses(j)).every((s) => s === 'pass')).toBe(true);
    expect(Object.keys(j.checks)).toEqual([
      'daemon:responseTime',
      'daemon:ready',
      'support-module:state',
      'support-chatbot:responseTime',
      'support-context:responseTime',
      'chatwoot:responseTime',
      'redis:responseTime',
      'database:responseTime',
      'webhooks:deliveries',
      'webhooks:dlqDepth',
      'webhooks:oldestPendingAge',
      'api-keys:expiring',
      'webhook-secret:age',
    ]);
    expect(j.checks['support-module:state']?.[0]?.observedValue).toBe('ACTIVE');
    const nagios = await health(['--format', 'nagios']);
    expect(nagios.code).toBe(0);
    expect(nagios.out).toMatch(
      /^KGC-SUPPORT OK - 13 checks pass \(environment\)\|'daemon'=\d+ms;;;0 .*'dlq_depth'=0;1;100;0/,
    );
    // --quiet: a healthy run prints nothing (cron mails only when there is output).
    const quiet = await health(['--quiet']);
    expect([quiet.code, quiet.out]).toEqual([0, '']);
  });

  const failing: [string, () => StandIn, StandInAnswerFn, string, RegExp][] = [
    [
      'a chatbot slow past its time limit',
      () => chatbot,
      () => ({ status: 200, delayMs: 10_000 }),
      'support-chatbot:responseTime',
      /no answer within 1 s/,
    ],
    [
      'a context manager answering 500',
      () => context,
      () => ({ status: 500 }),
      'support-context:responseTime',
      /answers 500/,
    ],
    [
      'a chatbot that never answers',
      () => chatbot,
      () => 'hang',
      'support-chatbot:responseTime',
      /no answer within 1 s/,
    ],
    [
      'Chatwoot answering 200 with "data_services":"failing"',
      () => chatwoot,
      () => ({ status: 200, body: chatwootBody('failing', 'ok') }),
      'chatwoot:responseTime',
      /answers 200 in \d+ ms, but data_services failing \(its PostgreSQL\)/,
    ],
  ];
  type StandInAnswerFn = StandIn['answer'];

  for (const [what, target, answer, key, output] of failing) {
    it(`${what}: that check fails; exit 1, nagios CRITICAL (2); within the bound`, async () => {
      const s = target();
      const before = s.answer;
      s.answer = answer;
      try {
        // The three formats at once: three runs within one bound.
        const [json, nagios, table] = await Promise.all([
          health(['--json']),
          health(['--format', 'nagios']),
          health([]),
        ]);
        expect(json.ms).toBeLessThan(BOUND_MS);
        expect(json.code).toBe(1);
        const j = json.json<HealthJson>();
        expect(j.status).toBe('fail');
        expect(j.checks[key]?.[0]?.status).toBe('fail');
        expect(j.checks[key]?.[0]?.output).toMatch(output);
        expect(Object.entries(statuses(j)).filter(([k, v]) => k !== key && v !== 'pass')).toEqual(
          [],
        );
        expect(nagios.ms).toBeLessThan(BOUND_MS);
        expect(nagios.code).toBe(2);
        expect(nagios.out).toMatch(
          new RegExp(`^KGC-SUPPORT CRITICAL - 1 critical: ${key.replace(/[-:]/g, '\\$&')} \\(`),
        );
        expect(table.code).toBe(1);
        expect(table.out).toMatch(new RegExp(`✖ fail  ${key}`));
      } finally {
        s.answer = before;
      }
    });
  }

  it('a Chatwoot port that refuses connections fails; so do Redis and PostgreSQL that are not there', async () => {
    // No daemon on this data directory: PostgreSQL is asked directly (with one running, its /ready answers for its database).
    const elsewhere = mkdtempSync(join(tmpdir(), 'kgc-health-none-'));
    const r = await health(['--json'], {
      KGC_SUPPORT_DATA_DIR: elsewhere,
      CHATWOOT_URL: `http://127.0.0.1:${refused}`,
      REDIS_URL: `redis://127.0.0.1:${refused}`,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${refused}/x`,
    });
    rmSync(elsewhere, { recursive: true, force: true });
    expect(r.code).toBe(1);
    const j = r.json<HealthJson>();
    for (const key of ['chatwoot:responseTime', 'redis:responseTime', 'database:responseTime']) {
      expect([key, j.checks[key]?.[0]?.status]).toEqual([key, 'fail']);
      expect(j.checks[key]?.[0]?.output).toMatch(/connection refused|ECONNREFUSED/);
    }
    expect(r.ms).toBeLessThan(BOUND_MS);
  });

  it('Redis and PostgreSQL that accept and never answer: fail within the bound', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'kgc-health-none-'));
    const r = await health(['--format', 'nagios'], {
      KGC_SUPPORT_DATA_DIR: elsewhere,
      REDIS_URL: silent.url('redis'),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${silent.port}/x`,
    });
    rmSync(elsewhere, { recursive: true, force: true });
    expect(r.ms).toBeLessThan(BOUND_MS);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/\[CRITICAL\] redis:responseTime: .*no answer within 1 s/);
    expect(r.out).toMatch(/\[CRITICAL\] database:responseTime: /);
  });

  it('only warnings: exit 0, nagios WARNING (1); thresholds from flags and from the environment', async () => {
    const r = await health(['--format', 'nagios', '--secret-age', '1ms']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^KGC-SUPPORT WARNING - 1 warning: webhook-secret:age \(current secret whs_\w+ \(env\) is .* old \(warn 1 ms\)\)\|/,
    );
    expect((await health(['--secret-age', '1ms'])).code).toBe(0);
    expect(
      (await health(['--format', 'nagios'], { KGC_SUPPORT_HEALTH_SECRET_AGE: '1ms,2ms' })).code,
    ).toBe(2);
    const bad = await health(['--format', 'nagios', '--dlq', '10,1']);
    expect([bad.code, bad.out.trim()]).toEqual([
      3,
      'KGC-SUPPORT UNKNOWN - --dlq: the warning level must come before the critical one (warn ≤ crit)',
    ]);
    expect((await health(['--dlq', '10,1'])).code).toBe(2);
  });

  it('nothing fails but the facts cannot be had (no daemon here, PGlite): unknown, exit 3, nagios UNKNOWN (3), never a hang', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'kgc-health-none-'));
    try {
      const port = String(new URL(daemon.url).port);
      const r = await health(['--json'], {
        KGC_SUPPORT_DATA_DIR: elsewhere,
        KGC_SUPPORT_PORT: port,
        DATABASE_URL: '',
      });
      expect(r.code).toBe(3);
      const j = r.json<HealthJson>();
      expect(j.checks['support-module:state']?.[0]?.output).toMatch(
        /^unknown: no daemon holds .*embedded PGlite, which health does not open/,
      );
      expect(j.checks['database:responseTime']?.[0]?.status).toBe('pass');
      // It looked at whatever daemon answers on that port, not at a store of its own: it says so.
      expect(j.checks['database:responseTime']?.[0]?.output).toMatch(
        new RegExp(`^the store of the daemon at 127\\.0\\.0\\.1:${port} answers`),
      );
      const n = await health(['--format', 'nagios'], {
        KGC_SUPPORT_DATA_DIR: elsewhere,
        KGC_SUPPORT_PORT: port,
        DATABASE_URL: '',
      });
      expect(n.code).toBe(3);
      expect(n.out).toMatch(/^KGC-SUPPORT UNKNOWN - 6 unknown: support-module:state/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('--watch redraws on a terminal, prints a JSON document per round otherwise, and ends with 130 on Ctrl-C', async () => {
    for (const [tty, args] of [
      [true, []],
      [false, ['--json']],
    ] as const) {
      const io = recordingIO({ ...env, NO_COLOR: '1' }, tty);
      const done = main(
        ['node', 'kgc-support', 'health', '--watch', '1s', '--timeout', TIMEOUT, ...args],
        io,
      );
      await until(() => io.out.length > 0, 20_000, 'the first round');
      io.interrupt();
      expect(await done).toBe(130);
      if (tty) {
        expect(io.out.startsWith('\u001b[H\u001b[2Jkgc-support health (environment): PASS')).toBe(
          true,
        );
        expect(io.out).toContain('every 1s, Ctrl-C to stop');
      } else {
        const docs = io.out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as HealthJson);
        expect(docs.map((d) => d.status)).toEqual(['pass']);
      }
    }
  });

  it('a key that expires soon warns, then fails; the DLQ depth warns at its threshold (flags move it)', async () => {
    const key = await createKey(daemon.ctx, {
      name: 'short-lived',
      scopes: ['support:read'],
      expires_in: '10d',
    });
    let j = (await health(['--json'])).json<HealthJson>();
    expect(j.checks['api-keys:expiring']?.[0]).toMatchObject({ status: 'warn', observedValue: 1 });
    expect(j.checks['api-keys:expiring']?.[0]?.output).toContain(`${key.key.id} (short-lived)`);
    expect((await health(['--key-expiry', '14d,11d'])).code).toBe(1);
    expect((await health(['--key-expiry', '5d'])).code).toBe(0);

    // The chatbot stand-in refuses webhooks (410) and the schedule has no retry: dead at once.
    await publishEvent(daemon.ctx, { event: 'order.arrived', data: SAMPLES['order.arrived'] });
    await until(
      async () =>
        (
          await daemon.ctx.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM kgc_support.events WHERE status = 'dead'`,
          )
        ).rows[0]?.n === 1,
      10_000,
      'the event to be dead-lettered',
    );
    j = (await health(['--json', '--key-expiry', 'off'])).json<HealthJson>();
    expect(j.checks['webhooks:dlqDepth']?.[0]).toMatchObject({ status: 'warn', observedValue: 1 });
    expect(j.status).toBe('warn');
    expect((await health(['--format', 'nagios', '--key-expiry', 'off', '--dlq', '2,5'])).code).toBe(
      0,
    );
    expect((await health(['--format', 'nagios', '--key-expiry', 'off', '--dlq', '1,1'])).code).toBe(
      2,
    );
  });
});

describe('kgc-support health with PostgreSQL and no daemon', () => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await createTestStore('postgres');
  });
  afterAll(async () => {
    await ts?.close();
  });

  it("reads the store's facts from PostgreSQL itself; nobody watches Support (unknown), the daemon fails", async () => {
    await createKey(ts.ctx, { name: 'almost-gone', scopes: ['support:read'], expires_in: '2d' });
    const port = await refusedPort();
    const r = await runCli(['health', '--json', '--timeout', '1s'], {
      PATH: process.env.PATH,
      KGC_SUPPORT_DATA_DIR: ts.dataDir,
      DATABASE_URL: ts.config.databaseUrl,
      KGC_SUPPORT_PORT: String(port),
    });
    expect(r.code).toBe(1);
    const j = r.json<HealthJson>();
    expect(j.checks['daemon:responseTime']?.[0]?.status).toBe('fail');
    expect(j.checks['database:responseTime']?.[0]?.status).toBe('pass');
    expect(j.checks['api-keys:expiring']?.[0]).toMatchObject({ status: 'fail', observedValue: 1 });
    expect(j.checks['webhooks:dlqDepth']?.[0]?.status).toBe('pass');
    expect(j.checks['webhooks:deliveries']?.[0]?.output).toMatch(/^unknown: no daemon is running/);
    expect(j.checks['support-module:state']?.[0]?.output).toBe(
      'unknown: module on; no daemon is running to watch Support',
    );
  });
});

describe('kgc-support health picks its daemon as every state command does', () => {
  const root = mkdtempSync(join(tmpdir(), 'kgc-health-target-'));
  const env = { KGC_SUPPORT_FRANCHISES_DIR: root, DATABASE_URL: '', KGC_SUPPORT_DATA_DIR: '' };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('with a franchise installed and no target named: franchise_ambiguous, never a guess', async () => {
    const init = await runCli(
      ['init', '--franchise', 'one', '--name', 'Egy', ...ERP_FLAGS, '--yes'],
      env,
    );
    expect(init.code, init.err).toBe(0);
    const r = await runCli(['health', '--json'], env);
    expect(r.code, r.out).toBe(2);
    expect(errorOf(r.err)).toMatchObject({ code: 'franchise_ambiguous' });
    expect(errorOf(r.err).message).toContain('(one)');
    // A monitoring plugin that cannot run is UNKNOWN, naming why.
    const n = await runCli(['health', '--format', 'nagios'], env);
    expect(n.code).toBe(3);
    expect(n.out).toMatch(
      /^KGC-SUPPORT UNKNOWN - a franchise is installed .* pass --franchise <id>/,
    );
    // KGC_SUPPORT_FRANCHISE names it, as for every other state command.
    const named = await runCli(['health', '--json', '--timeout', '2s'], {
      ...env,
      KGC_SUPPORT_FRANCHISE: 'one',
    });
    expect(named.out).toContain('franchise one');
  });
});
