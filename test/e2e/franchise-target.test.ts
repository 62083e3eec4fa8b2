/**
 * The host CLI operates an installed franchise's daemon: `--franchise <id>` (or
 * KGC_SUPPORT_FRANCHISE) goes to the daemon answering on <franchise dir>/run/admin.sock
 * (the directory the rendered stack bind-mounts into the daemon container), never to a
 * local store; without a target, installed franchises make the command refuse.
 * A real daemon (`kgc-support serve`, spawned) stands in for the franchise's container.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, freePortFlags, runCli, tempRoot } from '../helpers/cli.js';
import { createDatabase } from '../helpers/pg.js';
import { spawnDaemon, type DaemonProcess } from './daemon-process.js';

const ID = 'pecs-1';
const OTHER = 'gyor';
const ERP_URL = 'postgres://kgc_support_reader:secret@erp-db.internal:5432/kgc';

interface Problem {
  error: { code: string; message: string; franchises?: string[] };
}

describe("--franchise: the host CLI reaches the franchise's daemon", () => {
  const root = tempRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'kgc-target-'));
  /** A local store beside the franchises (PostgreSQL, to look into), which --franchise must leave alone. */
  const localDir = join(scratch, 'local');
  let local: Awaited<ReturnType<typeof createDatabase>>;
  let daemonDb: Awaited<ReturnType<typeof createDatabase>>;
  /** A HOME without anything in it: the default data directory must not appear there. */
  const home = join(scratch, 'home');
  let daemon: DaemonProcess;
  let apiKey = '';

  const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv(root, { HOME: home, ...extra });
  const pull = async () =>
    (
      await fetch(`${daemon.url}/api/service/worklogs/M-2025-0123/status`, {
        headers: { authorization: `Bearer ${apiKey}` },
      })
    ).status;

  beforeAll(async () => {
    [local, daemonDb] = await Promise.all([
      createDatabase('kgc_target_local'),
      createDatabase('kgc_target_daemon'),
    ]);
    mkdirSync(home);
    for (const id of [ID, OTHER]) {
      const r = await runCli(
        [
          'init',
          '--franchise',
          id,
          '--name',
          `${id} Kft.`,
          '--erp-database-url',
          ERP_URL,
          ...(await freePortFlags()),
        ],
        env(),
      );
      expect(r.code, r.err).toBe(0);
    }
    const run = join(root, ID, 'run');
    mkdirSync(run, { recursive: true, mode: 0o700 });
    // As in the rendered stack: the daemon's socket in the franchise's run directory, its store elsewhere.
    daemon = await spawnDaemon({
      KGC_SUPPORT_DATA_DIR: join(scratch, 'daemon'),
      DATABASE_URL: daemonDb.url,
      KGC_SUPPORT_ADMIN_SOCKET: join(run, 'admin.sock'),
    });
  });

  afterAll(async () => {
    await daemon?.stop();
    await Promise.all([local?.drop(), daemonDb?.drop()]);
    rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keys and disable --franchise change that daemon, and say so; a local store is untouched', async () => {
    const localEnv = env({ KGC_SUPPORT_DATA_DIR: localDir, DATABASE_URL: local.url });
    const on = await runCli(['enable', '--json'], localEnv);
    expect(on.code, on.err).toBe(0);
    expect(on.json<{ daemon: unknown }>().daemon).toMatchObject({
      local: localDir,
      store: expect.stringContaining('postgres'),
    });

    // The environment names a local store, but --franchise wins.
    const created = await runCli(
      ['keys', 'create', '--franchise', ID, '--name', 'koko', '--scope', 'support:read', '--json'],
      localEnv,
    );
    expect(created.code, created.err).toBe(0);
    const key = created.json<{ api_key: string; daemon: Record<string, unknown> }>();
    expect(key.daemon).toEqual({
      franchise: ID,
      socket: join(root, ID, 'run', 'admin.sock'),
      pid: daemon.proc.pid,
      store: expect.any(String),
    });
    apiKey = key.api_key;
    expect(await pull()).not.toBe(503);

    const off = await runCli(['disable', '--franchise', ID], localEnv);
    expect(off.code, off.err).toBe(0);
    expect(off.out).toContain(
      `Support module disabled on franchise ${ID}'s daemon (pid ${daemon.proc.pid}, store `,
    );
    expect(await pull()).toBe(503);

    // The local store knows nothing of it: no key, the module still on.
    const db = new pg.Client({ connectionString: local.url });
    await db.connect();
    try {
      expect(
        (await db.query('SELECT count(*)::int AS n FROM kgc_support.api_keys')).rows[0],
      ).toEqual({ n: 0 });
      expect((await db.query('SELECT enabled FROM kgc_support.plugin_state')).rows).toEqual([
        { enabled: true },
      ]);
    } finally {
      await db.end();
    }
  });

  it('KGC_SUPPORT_FRANCHISE works like the flag', async () => {
    const on = await runCli(['enable', '--json'], env({ KGC_SUPPORT_FRANCHISE: ID }));
    expect(on.code, on.err).toBe(0);
    expect(on.json<{ enabled: boolean; daemon: { franchise: string } }>()).toMatchObject({
      enabled: true,
      daemon: { franchise: ID },
    });
    expect(await pull()).not.toBe(503);
  });

  it("health and status --franchise say which daemon answered: the one on the franchise's socket", async () => {
    const socket = join(root, ID, 'run', 'admin.sock');
    const h = await runCli(['health', '--franchise', ID, '--json', '--timeout', '2s'], env());
    const state = (h.json<{ checks: Record<string, { output: string }[]> }>().checks[
      'support-module:state'
    ] ?? [])[0];
    expect(state?.output).toContain(
      `answered by franchise ${ID}'s daemon (admin socket ${socket}, pid ${daemon.proc.pid})`,
    );

    const st = await runCli(['status', '--json'], env({ KGC_SUPPORT_FRANCHISE: ID }));
    // No container of it runs here (its daemon is a host process): status says so, exit 1.
    expect(st.code, st.err).toBe(1);
    expect(st.json<{ problems: string[] }>().problems).toContain(
      'kgc-support: not created (start it: kgc-support up)',
    );
    expect(st.json<{ franchise: string; support_module: { daemon: unknown } }>()).toMatchObject({
      franchise: ID,
      support_module: { daemon: { franchise: ID, socket, pid: daemon.proc.pid } },
    });
    const text = await runCli(['status', '--franchise', ID], env());
    expect(text.out).toContain(
      `answered by franchise ${ID}'s daemon on ${socket} (pid ${daemon.proc.pid}, store `,
    );
  });

  it('without a target, installed franchises make a state command refuse, listing them (exit 2)', async () => {
    for (const args of [
      ['disable'],
      ['keys', 'list'],
      ['dlq', 'list'],
      ['audit'],
      ['events', 'stats'],
      ['gdpr', 'status'],
      ['secrets', 'list'],
    ]) {
      const r = await runCli([...args, '--json'], env());
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      const p = JSON.parse(r.err) as Problem;
      expect(p.error.code).toBe('franchise_ambiguous');
      expect(p.error.franchises).toEqual([OTHER, ID]);
      expect(p.error.message).toContain('pass --franchise <id> (or --data-dir for a local store)');
    }
    const text = await runCli(['disable'], env());
    expect(text.err).toContain(`(${OTHER}, ${ID})`);
    expect(existsSync(join(home, '.local'))).toBe(false);
  });

  it('a franchise whose daemon is not running: daemon_unreachable, and no local store is made', async () => {
    const r = await runCli(['disable', '--franchise', OTHER, '--json'], env());
    expect(r.code).toBe(1);
    const p = JSON.parse(r.err) as Problem;
    expect(p.error.code).toBe('daemon_unreachable');
    expect(p.error.message).toContain(`franchise ${OTHER}'s daemon`);
    // One next step that finds out why, never straight back to up (it may have said all is well).
    expect(p.error.message).toContain(`see why: kgc-support status --franchise ${OTHER}`);
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(join(root, OTHER, 'run'))).toBe(false);
  });

  it('an unknown franchise: franchise_not_found', async () => {
    const r = await runCli(['keys', 'list', '--franchise', 'nope', '--json'], env());
    expect(r.code).toBe(1);
    expect((JSON.parse(r.err) as Problem).error.code).toBe('franchise_not_found');
  });
});
