/**
 * What an installed daemon is given: its admin socket where KGC_SUPPORT_ADMIN_SOCKET
 * says (directory created owner-only), the ERP's erp:publish key from
 * KGC_SUPPORT_PUBLISH_KEY, and a /ready that fails while the ERP contract it reads is
 * unreachable, incomplete or empty (and `health` fails with it).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callAdmin } from '../../src/admin/client.js';
import { loadConfig } from '../../src/config/config.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { daemonReadyCheck } from '../../src/health/checks/services.js';
import { ok } from '../../src/health/probed.js';
import { generateKey } from '../../src/keys/key-format.js';
import { refusedPort } from '../helpers/health.js';
import { createDatabase } from '../helpers/pg.js';
import { until } from '../helpers/receiver.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { SAMPLES } from '../helpers/webhooks.js';

const root = mkdtempSync(join(tmpdir(), 'kgc-wiring-'));
const dbs: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
  rmSync(root, { recursive: true, force: true });
});

async function daemonOn(env: Record<string, string>, demo = false): Promise<Daemon> {
  const db = await createDatabase('kgc_wiring');
  dbs.push(db);
  const dataDir = mkdtempSync(join(root, 'data-'));
  return startDaemon({
    config: loadConfig({
      KGC_SUPPORT_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      KGC_SUPPORT_PORT: '0',
      ...env,
    }),
    logger: silentLogger as never,
    demo,
  });
}

type Ready = { status: string; checks: Record<string, { status: string; detail?: string }> };
const ready = async (d: Daemon): Promise<{ code: number; body: Ready }> => {
  const res = await fetch(`${d.url}/ready`);
  return { code: res.status, body: (await res.json()) as Ready };
};

describe("an installed daemon's wiring", () => {
  it('opens its admin socket at KGC_SUPPORT_ADMIN_SOCKET: the missing directory made 0700, the socket 0600', async () => {
    const socket = join(root, 'franchise', 'run', 'admin.sock');
    const d = await daemonOn({ KGC_SUPPORT_ADMIN_SOCKET: socket });
    try {
      expect(d.adminSocket).toBe(socket);
      expect(statSync(join(root, 'franchise', 'run')).mode & 0o777).toBe(0o700);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      const keys = await callAdmin(socket, 'keys.list', {}, 'test');
      expect(Array.isArray(keys)).toBe(true);
    } finally {
      await d.close();
    }
  }, 60_000);

  it("imports KGC_SUPPORT_PUBLISH_KEY with scope erp:publish: the ERP's POST /api/events is accepted", async () => {
    const key = generateKey(cryptoRandom);
    const d = await daemonOn({ KGC_SUPPORT_PUBLISH_KEY: key });
    try {
      const res = await fetch(`${d.url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'erp-wiring-1',
          event: 'order.arrived',
          occurred_at: '2025-12-28T10:15:00+01:00',
          data: SAMPLES['order.arrived'],
        }),
      });
      expect(res.status).toBe(202);
      const { rows } = await d.ctx.db.query<{ name: string; scopes: string[]; created_by: string }>(
        `SELECT name, scopes, created_by FROM kgc_support.api_keys`,
      );
      expect(rows).toEqual([
        {
          name: 'erp (KGC_SUPPORT_PUBLISH_KEY)',
          scopes: ['erp:publish'],
          created_by: 'env:KGC_SUPPORT_PUBLISH_KEY',
        },
      ]);
      // It publishes, and nothing else.
      expect(
        (
          await fetch(`${d.url}/api/service/worklogs/M-2025-0123/status`, {
            headers: { authorization: `Bearer ${key}` },
          })
        ).status,
      ).toBe(403);
    } finally {
      await d.close();
    }
  }, 60_000);
});

describe('/ready and the ERP contract', () => {
  it("an empty contract fails, and says ERP_DATABASE_URL must point at the ERP; health's daemon:ready fails with it", async () => {
    const d = await daemonOn({});
    try {
      const r = await ready(d);
      expect(r.code).toBe(503);
      expect(r.body.checks.store?.status).toBe('pass');
      expect(r.body.checks.erp_contract).toMatchObject({ status: 'fail' });
      expect(r.body.checks.erp_contract?.detail).toMatch(
        /kgc_erp\.customers in the daemon's own store \(ERP_DATABASE_URL is unset\) is empty: ERP_DATABASE_URL must point at the ERP's database/,
      );
      // What `kgc-support health` makes of that answer.
      const res = await fetch(`${d.url}/ready`);
      const check = daemonReadyCheck(
        `${d.url}/ready`,
        ok(
          {
            kind: 'answer',
            status: res.status,
            ms: 1,
            body: await res.text(),
            contentType: 'application/json',
          },
          Date.now(),
        ),
        'h',
      );
      expect(check.status).toBe('fail');
      expect(check.output).toMatch(/answers 503: erp_contract: kgc_erp\.customers .* is empty/);
      expect(check.hint).toMatch(/ERP_DATABASE_URL/);
    } finally {
      await d.close();
    }
  }, 60_000);

  it('with the demo data the contract passes', async () => {
    const d = await daemonOn({}, true);
    try {
      const r = await ready(d);
      expect([r.code, r.body.checks.erp_contract?.status]).toEqual([200, 'pass']);
    } finally {
      await d.close();
    }
  }, 60_000);

  it('an ERP database without the kgc_erp tables fails, naming what is missing', async () => {
    const erp = await createDatabase('kgc_wiring_erp');
    dbs.push(erp);
    const d = await daemonOn({ ERP_DATABASE_URL: erp.url });
    try {
      const r = await ready(d);
      expect(r.code).toBe(503);
      expect(r.body.checks.erp_contract?.detail).toMatch(
        /^kgc_erp in the ERP database \(ERP_DATABASE_URL\) lacks customers, machines, .*: ERP_DATABASE_URL must point at the ERP's database/,
      );
    } finally {
      await d.close();
    }
  }, 60_000);

  it('an ERP database that stops answering fails; one unreachable at start is waited for', async () => {
    // Unreachable at start: the port answers /ready 503 naming it, and the start completes once it answers.
    const late = await createDatabase('kgc_wiring_late');
    dbs.push(late);
    const proxy = await startTcpProxy('127.0.0.1', Number(new URL(late.url).port || 5432));
    await proxy.cut();
    const port = await refusedPort();
    const starting = daemonOn({
      ERP_DATABASE_URL: proxy.url(late.url),
      KGC_SUPPORT_PORT: String(port),
    });
    try {
      let body: Ready | undefined;
      await until(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
          body = res?.status === 503 ? ((await res.json()) as Ready) : undefined;
          return body !== undefined;
        },
        30_000,
        'the waiting daemon',
      );
      expect(body?.checks.store?.detail).toMatch(/the ERP database \(ERP_DATABASE_URL\)/);
    } finally {
      await proxy.restore();
      await (await starting).close();
      await proxy.close();
    }
    const erp = await createDatabase('kgc_wiring_gone');
    const d = await daemonOn({ ERP_DATABASE_URL: erp.url });
    try {
      await erp.drop();
      const r = await ready(d);
      expect(r.code).toBe(503);
      expect(r.body.checks.erp?.status).toBe('fail');
      expect(r.body.checks.erp_contract?.detail).toMatch(
        /^the ERP database \(ERP_DATABASE_URL\) does not answer .*: ERP_DATABASE_URL must point at the ERP's database/,
      );
    } finally {
      await d.close();
    }
  }, 60_000);
});
