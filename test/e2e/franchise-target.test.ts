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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, freePortFlags, runCli, tempRoot } from '../helpers/cli.js';
import { spawnDaemon, type DaemonProcess } from './daemon-process.js';

const ID = 'pecs-1';
const OTHER = 'gyor';
const ERP_URL = 'postgres://kgc_support_reader:secret@erp-db.internal:5432/kgc';

interface Problem { error: { code: string; message: string; franchises?: string[] } }

describe('--franchise: the host CLI reaches the franchise\'s daemon', () => {
  const root = tempRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'kgc-target-'));
  /** A local store beside the franchises, which --franchise must leave alone. */
  const localDir = join(scratch, 'local');
  /** A HOME without anything in it: the default data directory must not appear there. */
  const home = join(scratch, 'home');
  let daemon: DaemonProcess;
  let apiKey = '';

  const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv(root, { HOME: home, ...extra });
  const pull = async () => (await fetch(`${daemon.url}/api/service/worklogs/M-2025-0123/status`, { headers: { authorization: `Bearer ${apiKey}` } })).status;

  beforeAll(async () => {
    mkdirSync(home);
    for (const id of [ID, OTHER]) {
      const r = await runCli(['init', '--franchise', id, '--name', `${id} Kft.`, '--erp-database-url', ERP_URL, ...(await freePortFlags())], env());
      expect(r.code, r.err).toBe(0);
    }
    const run = join(root, ID, 'run');
    mkdirSync(run, { recursive: true, mode: 0o700 });
    // Until the daemon honours KGC_SUPPORT_ADMIN_SOCKET: its data directory is the run
    // directory, so its admin socket is <franchise dir>/run/admin.sock.
    daemon = await spawnDaemon({ KGC_SUPPORT_DATA_DIR: run, KGC_SUPPORT_ADMIN_SOCKET: join(run, 'admin.sock') });
  });

  afterAll(async () => {
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keys and disable --franchise change that daemon, and say so; a local store is untouched', async () => {
    const local = await runCli(['enable', '--json'], env({ KGC_SUPPORT_DATA_DIR: localDir }));
    expect(local.code, local.err).toBe(0);
    expect(local.json<{ daemon: unknown }>().daemon).toMatchObject({ local: localDir });

    // KGC_SUPPORT_DATA_DIR names a local store, but --franchise wins.
    const created = await runCli(['keys', 'create', '--franchise', ID, '--name', 'koko', '--scope', 'support:read', '--json'], env({ KGC_SUPPORT_DATA_DIR: localDir }));
    expect(created.code, created.err).toBe(0);
    const key = created.json<{ api_key: string; daemon: Record<string, unknown> }>();
    expect(key.daemon).toEqual({ franchise: ID, socket: join(root, ID, 'run', 'admin.sock'), pid: daemon.proc.pid, store: expect.any(String) });
    apiKey = key.api_key;
    expect(await pull()).not.toBe(503);

    const off = await runCli(['disable', '--franchise', ID], env({ KGC_SUPPORT_DATA_DIR: localDir }));
    expect(off.code, off.err).toBe(0);
    expect(off.out).toContain(`Support module disabled on franchise ${ID}'s daemon (pid ${daemon.proc.pid}, store `);
    expect(await pull()).toBe(503);

    // The local store knows nothing of it: no key, the module still on.
    const localKeys = await runCli(['keys', 'list', '--json', '--data-dir', localDir], env());
    expect(localKeys.json<unknown[]>()).toEqual([]);
    const again = await runCli(['enable', '--json', '--data-dir', localDir], env());
    expect(again.json<{ enabled: boolean; changed?: boolean }>().enabled).toBe(true);
  });

  it('KGC_SUPPORT_FRANCHISE works like the flag', async () => {
    const on = await runCli(['enable', '--json'], env({ KGC_SUPPORT_FRANCHISE: ID }));
    expect(on.code, on.err).toBe(0);
    expect(on.json<{ enabled: boolean; daemon: { franchise: string } }>()).toMatchObject({ enabled: true, daemon: { franchise: ID } });
    expect(await pull()).not.toBe(503);
  });

  it('health and status --franchise say which daemon answered: the one on the franchise\'s socket', async () => {
    const socket = join(root, ID, 'run', 'admin.sock');
    const h = await runCli(['health', '--franchise', ID, '--json', '--timeout', '2s'], env());
    const state = (h.json<{ checks: Record<string, { output: string }[]> }>().checks['support-module:state'] ?? [])[0];
    expect(state?.output).toContain(`answered by franchise ${ID}'s daemon (admin socket ${socket}, pid ${daemon.proc.pid})`);

    const st = await runCli(['status', '--json'], env({ KGC_SUPPORT_FRANCHISE: ID }));
    expect(st.code, st.err).toBe(0);
    expect(st.json<{ franchise: string; support_module: { daemon: unknown } }>()).toMatchObject({
      franchise: ID, support_module: { daemon: { franchise: ID, socket, pid: daemon.proc.pid } },
    });
    const text = await runCli(['status', '--franchise', ID], env());
    expect(text.out).toContain(`answered by franchise ${ID}'s daemon on ${socket} (pid ${daemon.proc.pid}, store `);
  });

  it('without a target, installed franchises make a state command refuse, listing them (exit 2)', async () => {
    for (const args of [['disable'], ['keys', 'list'], ['dlq', 'list'], ['audit'], ['events', 'stats'], ['gdpr', 'status'], ['secrets', 'list']]) {
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
    expect(p.error.message).toContain(`kgc-support up --franchise ${OTHER}`);
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(join(root, OTHER, 'run'))).toBe(false);
  });

  it('an unknown franchise: franchise_not_found', async () => {
    const r = await runCli(['keys', 'list', '--franchise', 'nope', '--json'], env());
    expect(r.code).toBe(1);
    expect((JSON.parse(r.err) as Problem).error.code).toBe('franchise_not_found');
  });
});
