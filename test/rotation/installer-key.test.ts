/**
 * The store side of an installer key's rotation, on both engines, through the same
 * operations the CLI calls on a franchise's daemon: issue (rotate the key secrets.env
 * holds, found by its hash; follow a rotation an interrupted run left; replace an
 * expired key), finish (every replaced key revoked), withdraw (the old key active
 * again with its own expiry, the new one revoked). The containers' side runs on the
 * real engine in test/docker/installed.test.ts. And the plan's consumers are the ones
 * the compose files give each key to.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOp } from '../../src/admin/execute.js';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { FranchiseRef } from '../../src/franchise/franchise.store.js';
import { parseEnv } from '../../src/render/env-format.js';
import { replaceSecret } from '../../src/render/render.service.js';
import { completeSecrets, secretsFileText } from '../../src/render/secrets.js';
import { auditQuery } from '../../src/audit/audit.ops.js';
import { manualClock } from '../../src/context/clock.js';
import { INSTALLER_KEY_NAMES, INSTALLER_KEYS } from '../../src/keys/installer-keys.js';
import {
  keysCreate,
  keysIdentify,
  keysRevoke,
  keysRotate,
  keysShow,
  keysWithdrawRotation,
} from '../../src/keys/keys.ops.js';
import { importKey } from '../../src/keys/key-import.js';
import type { AnyOp } from '../../src/ops/op.js';
import {
  installerKeyPlan,
  KEY_CONSUMERS,
  sha256Hex,
  type KeyDoor,
} from '../../src/rotation/installer-key.js';
import { generateKey } from '../../src/keys/key-format.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';

const DAY = 86_400_000;
const T0 = Date.parse('2030-03-01T08:00:00Z');

describe.each(STORE_KINDS)("an installer key's rotation, store side, on %s", (kind) => {
  let ts: TestStore;
  const clock = manualClock(T0);
  let door: KeyDoor;

  beforeAll(async () => {
    ts = await createTestStore(kind, { clock });
    const run = <T>(op: unknown, input: unknown) =>
      executeOp({ ...ts.ctx, actor: 'cli:test' }, op as AnyOp, input) as Promise<T>;
    door = {
      identify: (sha256) =>
        run<Awaited<ReturnType<KeyDoor['show']>>>(keysIdentify, { sha256 }).catch(() => undefined),
      show: (id) => run(keysShow, { id }),
      rotate: (id, grace, expires_in) => run(keysRotate, { id, grace, expires_in }),
      create: (name, scopes, expires_in) => run(keysCreate, { name, scopes, expires_in }),
      revoke: (id) => run(keysRevoke, { id }),
      withdraw: (id) => run(keysWithdrawRotation, { id }),
      audit: (key, since) => run(auditQuery, { key, since }),
    };
  });
  afterAll(async () => {
    await ts?.close();
  });

  /** The chatbot's key as the daemon imports it from KGC_API_KEY, 365 days as before this release. */
  async function imported(): Promise<{ value: string; id: string; expires: string }> {
    const value = generateKey(cryptoRandom);
    const { key } = await importKey(
      { ...ts.ctx, actor: 'env:KGC_API_KEY' },
      {
        name: INSTALLER_KEYS.chatbot.name,
        scopes: [...INSTALLER_KEYS.chatbot.scopes],
        api_key: value,
        expires_in: '365d',
      },
    );
    return { value, id: key.id, expires: key.expires_at };
  }
  const plan = () =>
    installerKeyPlan('chatbot', door, { grace: '24h', random: cryptoRandom, now: clock.now });

  it('rotates the key secrets.env holds (by its hash) to a 90-day successor, and finish revokes it', async () => {
    const old = await imported();
    const p = plan();
    const issued = await p.issue(old.value);
    expect(issued.value).toMatch(/^kgc_/);
    const fresh = await door.identify(sha256Hex(issued.value));
    expect(fresh).toMatchObject({
      name: INSTALLER_KEYS.chatbot.name,
      scopes: ['support:read', 'support:appointments'],
      rotated_from: old.id,
      status: 'active',
    });
    expect(Date.parse(fresh?.expires_at ?? '') - T0).toBe(90 * DAY);
    expect((await door.show(old.id)).status).toBe('rotated');
    expect(await p.finish()).toBe(`revoked ${old.id}`);
    expect((await door.show(old.id)).status).toBe('revoked');
    expect((await door.show(fresh?.id ?? '')).status).toBe('active');
  });

  it('withdraw: the new key is revoked, the old one active again with its own expiry', async () => {
    const old = await imported();
    const p = plan();
    await p.issue(old.value);
    const rotated = await door.show(old.id);
    expect(Date.parse(rotated.expires_at)).toBe(T0 + DAY);
    await p.withdraw();
    const back = await door.show(old.id);
    expect(back).toMatchObject({ status: 'active', rotated_to: null, expires_at: old.expires });
    const successor = (await door.show(rotated.rotated_to ?? '')).status;
    expect(successor).toBe('revoked');
    // Withdrawing again changes nothing (a rollback may run twice).
    await door.withdraw(old.id);
    expect(await door.show(old.id)).toMatchObject({ status: 'active', expires_at: old.expires });
  });

  it('follows a rotation an interrupted run left (its value never written) and rotates the newest key; withdraw undoes both', async () => {
    const old = await imported();
    // An earlier run rotated and died before writing secrets.env: that successor's value is lost.
    const orphan = await door.rotate(old.id, '24h', '90d');
    const p = plan();
    const issued = await p.issue(old.value);
    expect(issued.detail).toMatch(new RegExp(`succeeds ${orphan.key.id}`));
    await p.withdraw();
    expect(await door.show(old.id)).toMatchObject({ status: 'active', expires_at: old.expires });
    expect((await door.show(orphan.key.id)).status).toBe('revoked');
    // And to the end: finish revokes the old key and the orphan, the new key stays.
    const again = plan();
    await again.issue(old.value);
    expect(await again.finish()).toBe(`revoked ${old.id}`);
  });

  it('replaces an expired key with a new one of the same name and scopes (nothing to revoke)', async () => {
    const old = await imported();
    clock.advance(366 * DAY);
    const p = plan();
    const issued = await p.issue(old.value);
    expect(issued.detail).toMatch(/issued: the key in secrets.env is expired/);
    expect(await p.finish()).toBe('nothing was left to revoke');
    // Withdrawn instead, the new key would be revoked.
    const q = plan();
    await q.issue(old.value);
    expect(await q.withdraw()).toMatch(/^revoked key_/);
  });
});

describe("the consumers of the installer's keys", () => {
  const services = Object.assign(
    {},
    ...['koko.yml', 'erp.yml'].map(
      (f) =>
        parse(readFileSync(resolve(import.meta.dirname, '../../compose', f), 'utf8')) as Record<
          string,
          { environment: Record<string, string> }
        >,
    ),
  ) as Record<string, { environment: Record<string, string> }>;

  it('are the services the compose files give each key to, under the variables the probe reads', () => {
    for (const name of INSTALLER_KEY_NAMES) {
      const c = KEY_CONSUMERS[name];
      const env = services[c.service]?.environment ?? {};
      expect([name, env[c.keyVar]]).toEqual([name, `\${${INSTALLER_KEYS[name].variable}}`]);
      expect([name, env[c.urlVar]]).toEqual([
        name,
        expect.stringMatching(/^\$\{KGC_(API|SUPPORT)_URL\}$/),
      ]);
    }
    // Each key has one consumer: rotating one recreates one container.
    const holders = Object.entries(services)
      .filter(([, s]) => Object.values(s.environment ?? {}).includes('${KGC_API_KEY}'))
      .map(([n]) => n);
    expect(holders).toEqual(['support-chatbot']);
  });
});

describe('replaceSecret, the one write of a rotation on disk', () => {
  it('puts the value in secrets.env (0600), keeps every other secret, leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgc-replace-'));
    try {
      const secrets = completeSecrets(new Map(), cryptoRandom).secrets;
      writeFileSync(join(dir, 'secrets.env'), secretsFileText(secrets), { mode: 0o600 });
      const ref = { id: 'replace-test', dir } as FranchiseRef;
      const fresh = generateKey(cryptoRandom);
      replaceSecret(ref, 'KGC_API_KEY', fresh);
      const after = parseEnv(readFileSync(join(dir, 'secrets.env'), 'utf8'));
      expect(after.get('KGC_API_KEY')).toBe(fresh);
      for (const [k, v] of Object.entries(secrets))
        if (k !== 'KGC_API_KEY') expect([k, after.get(k) ?? '']).toEqual([k, v]);
      expect(statSync(join(dir, 'secrets.env')).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir)).toEqual(['secrets.env']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a franchise without secrets.env, naming render', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kgc-replace-'));
    try {
      expect(() => replaceSecret({ id: 'x', dir } as FranchiseRef, 'KGC_API_KEY', 'v')).toThrow(
        /run kgc-support render --franchise x/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keys rotate on the command line, refused before anything changes', () => {
  const cli = async (args: string[]) => {
    const root = mkdtempSync(join(tmpdir(), 'kgc-rotate-cli-'));
    try {
      const io = recordingIO({ HOME: root, KGC_SUPPORT_FRANCHISES_DIR: root });
      return {
        code: await main(['node', 'kgc-support', 'keys', 'rotate', ...args], io),
        err: io.err,
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  it("names the installer's keys for an unknown one, and asks for --franchise", async () => {
    const unknown = await cli(['chatbots', '--franchise', 'budapest-1']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(
      /unknown installer key "chatbots": the installer's keys are chatbot, context, erp/,
    );
    const where = await cli(['chatbot']);
    expect(where.code).toBe(2);
    expect(where.err).toMatch(/pass --franchise <id>/);
    const missing = await cli(['erp', '--franchise', 'nowhere']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/nowhere/);
  });
});
