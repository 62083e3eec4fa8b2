/**
 * One business layer, two front doors: the same CLI commands give the same
 * results in-process (no daemon) and through a running daemon's admin API, on
 * both engines; a key revoked from the CLI is refused by that daemon at once.
 * Every operation's answer, through either door, is exactly its declared output
 * schema: valid, and with no field the schema does not declare.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_OPS } from '../../src/admin/registry.js';
import { main } from '../../src/cli/main.js';
import { recordingIO } from '../../src/cli/io.js';
import { cliConfig, runTargetedOp, withLocalContext } from '../../src/cli/run-op.js';
import { executeOp } from '../../src/admin/execute.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { generateKey } from '../../src/keys/key-format.js';
import { cryptoRandom } from '../../src/context/clock.js';
import type { AnyOp } from '../../src/ops/op.js';
import { createDatabase } from '../helpers/pg.js';
import { SAMPLES } from '../helpers/webhooks.js';

/** Operations this file does not run, and where they are run instead. */
const RUN_ELSEWHERE: Record<string, string> = {
  'gdpr.delete': 'needs Chatwoot and Redis: test/gdpr/cli.test.ts',
  'gdpr.resume': 'needs Chatwoot and Redis: test/gdpr/cli.test.ts',
  'gdpr.plan': 'needs Chatwoot and Redis: test/gdpr/cli.test.ts',
  'gdpr.receipt': 'needs a finished erasure: test/gdpr/cli.test.ts',
  'gdpr.export': 'needs Chatwoot and Redis: test/gdpr/export.test.ts',
};

/**
 * The input for each operation, from what the earlier ones answered (run in this
 * order). A step whose operation is not registered (yet) is passed over; every
 * registered operation must have a step or a RUN_ELSEWHERE entry.
 */
type Step = [op: string, input: (seen: Record<string, unknown>) => Record<string, unknown>];
const STEPS: Step[] = [
  ['plugin.status', () => ({})],
  ['plugin.disable', () => ({})],
  ['plugin.enable', () => ({})],
  ['demo.seed', () => ({})],
  ['keys.create', () => ({ name: 'schema', scopes: ['support:read'], expires_in: '5d' })],
  ['keys.list', () => ({ all: true })],
  ['keys.show', (s) => ({ id: (s['keys.create'] as { key: { id: string } }).key.id })],
  ['keys.expiring', () => ({ within: '7d' })],
  [
    'keys.update',
    (s) => ({ id: (s['keys.create'] as { key: { id: string } }).key.id, rate_limit: '50/s' }),
  ],
  ['keys.rotate', (s) => ({ id: (s['keys.create'] as { key: { id: string } }).key.id })],
  [
    'keys.identify',
    (s) => ({
      sha256: createHash('sha256')
        .update((s['keys.rotate'] as { api_key: string }).api_key)
        .digest('hex'),
    }),
  ],
  ['keys.withdraw-rotation', (s) => ({ id: (s['keys.create'] as { key: { id: string } }).key.id })],
  ['keys.revoke', (s) => ({ id: (s['keys.rotate'] as { key: { id: string } }).key.id })],
  [
    'keys.import',
    () => ({ name: 'imported', scopes: ['erp:publish'], api_key: generateKey(cryptoRandom) }),
  ],
  [
    'events.publish',
    () => ({ id: 'schema-1', event: 'order.arrived', data: SAMPLES['order.arrived'] }),
  ],
  ['events.show', () => ({ id: 'schema-1' })],
  ['events.stats', () => ({})],
  ['events.list', () => ({ limit: 5 })],
  ['dlq.list', () => ({})],
  ['dlq.replay', () => ({ ids: ['schema-1'] })],
  ['dlq.purge', () => ({ ids: ['no-such-event'] })],
  ['secrets.rotate-webhook', () => ({ grace: '1h' })],
  ['secrets.activate-webhook', () => ({})],
  ['secrets.list', () => ({})],
  ['webhook.test', () => ({})],
  ['health.facts', () => ({})],
  ['gdpr.status', () => ({})],
  ['admin.password', () => ({})],
  ['audit.query', () => ({ since: '1h' })],
  ['retention.show', () => ({})],
  ['retention.prune', () => ({})],
];

type Exec = (op: AnyOp, input: Record<string, unknown>) => Promise<unknown>;

/** The answer, with what its schema does not declare removed: equal to the answer when nothing leaks. */
const declaredPart = (op: AnyOp, answer: unknown): unknown =>
  Value.Clean(op.output, structuredClone(answer));

type Door = 'in-process' | 'daemon';
const CASES: [string, Door][] = [
  ['pglite', 'in-process'],
  ['pglite', 'daemon'],
  ['postgres', 'in-process'],
  ['postgres', 'daemon'],
];

describe.each(CASES)('CLI on %s, %s', (kind, door) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kgc-doors-'));
  // SUPPORT_API_URL: a closed port, so `webhook test` answers at once (not ok).
  const env: NodeJS.ProcessEnv = {
    KGC_SUPPORT_DATA_DIR: dataDir,
    KGC_SUPPORT_LOG_LEVEL: 'silent',
    SUPPORT_API_URL: 'http://127.0.0.1:1',
  };
  let daemon: Daemon | undefined;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (kind === 'postgres') {
      const pg = await createDatabase('kgc_t', { migrated: true });
      env.DATABASE_URL = pg.url;
      drop = pg.drop;
    }
    if (door === 'daemon') {
      daemon = await startDaemon({
        config: loadConfig({ ...env, KGC_SUPPORT_PORT: '0' }),
        logger: silentLogger as never,
      });
    }
  });
  afterAll(async () => {
    await daemon?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    const io = recordingIO(env);
    const code = await main(['node', 'kgc-support', '--json', ...args], io);
    if (code !== 0) throw new Error(`exit ${code}: ${io.err}`);
    return JSON.parse(io.out || 'null');
  };

  it('creates, lists, rotates, revokes keys and reads the audit log', async () => {
    const created = await cli(
      'keys',
      'create',
      '--name',
      'doors',
      '--scope',
      'support:read',
      '--expires-in',
      '10d',
    );
    expect(created.key).toMatchObject({ name: 'doors', status: 'active' });
    const listed = await cli('keys', 'list');
    expect(listed.map((k: { id: string }) => k.id)).toContain(created.key.id);
    const expiring = await cli('keys', 'expiring', '--within', '14d');
    expect(expiring.map((k: { id: string }) => k.id)).toContain(created.key.id);
    const rotated = await cli('keys', 'rotate', created.key.id, '--grace', '1h');
    expect(rotated.previous).toMatchObject({ id: created.key.id, status: 'rotated' });
    const revoked = await cli('keys', 'revoke', rotated.key.id);
    expect(revoked.status).toBe('revoked');
    const audit = await cli('audit', '--kind', 'admin', '--since', '1h');
    expect(audit.map((r: { route: string }) => r.route).sort()).toEqual([
      'keys.create',
      'keys.revoke',
      'keys.rotate',
    ]);
    for (const r of audit) expect(r.actor).toMatch(/^cli:/);
  });

  it('switches the module and loads the demo data', async () => {
    expect((await cli('disable')).enabled).toBe(false);
    if (daemon) expect(daemon.moduleEnabled()).toBe(false);
    expect((await cli('enable')).enabled).toBe(true);
    if (daemon) expect(daemon.moduleEnabled()).toBe(true);
    expect(await cli('demo', 'seed')).toMatchObject({ customers: 12, worklogs: 4 });
  });

  // Only the daemon door has a running daemon to refuse the key; registered there only,
  // so the in-process door reports no skipped test.
  if (door === 'daemon')
    it('a key revoked from the CLI is refused by the running daemon on the next request', async () => {
      const issued = await cli('keys', 'create', '--name', 'live', '--scope', 'support:read');
      const url = `${daemon?.url}/api/service/worklogs/M-2025-0123/status`;
      const headers = { authorization: `Bearer ${issued.api_key}` };
      expect((await fetch(url, { headers })).status).toBe(200);
      await cli('keys', 'revoke', issued.key.id);
      const after = await fetch(url, { headers });
      expect(after.status).toBe(401);
      expect(((await after.json()) as { code: string }).code).toBe('api_key_revoked');
    });

  it('answers every operation with exactly its declared output schema', async () => {
    const byName = new Map(ALL_OPS.map((op) => [op.name, op]));
    const covered = new Set([...STEPS.map(([name]) => name), ...Object.keys(RUN_ELSEWHERE)]);
    expect([...byName.keys()].filter((name) => !covered.has(name))).toEqual([]);
    const seen: Record<string, unknown> = {};
    const io = recordingIO(env);
    // The daemon door through the CLI's own path (which says the daemon answered); the
    // in-process door as the CLI runs it, over one opening of the store rather than one per step.
    const run =
      door === 'daemon'
        ? async (steps: (exec: Exec) => Promise<void>) =>
            steps(async (op, input) => {
              const { result, daemon: via } = await runTargetedOp(op, input, io, {});
              expect([op.name, 'socket' in via]).toEqual([op.name, true]);
              return result;
            })
        : (steps: (exec: Exec) => Promise<void>) =>
            withLocalContext(cliConfig(io, {}), io, {}, 'test', (ctx) =>
              steps((op, input) => executeOp(ctx, op, input)),
            );
    await run(async (exec) => {
      for (const [name, input] of STEPS) {
        const op = byName.get(name);
        if (!op) continue;
        const result = await exec(op, input(seen));
        const firstError = Value.Check(op.output, result)
          ? undefined
          : Value.Errors(op.output, result).First();
        expect([name, firstError?.path, firstError?.message]).toEqual([name, undefined, undefined]);
        expect([name, declaredPart(op, result)]).toEqual([name, result]);
        seen[name] = result;
      }
    });
  });
});
