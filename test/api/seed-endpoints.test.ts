/**
 * Issue 14 in the real daemon, both stores: the ERP's DELETE /api/customers/{id}
 * (seed 2.4, 5.2) starts an erasure that completes against the stand-ins (a memory
 * root, the Chatwoot stand-in, Support's receiver) and is idempotent; and a
 * delivered webhook leaves the audit row seed 9.2 expects ("Support notification
 * sent: M-2025-0123"), found with `audit --resource`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOp } from '../../src/admin/execute.js';
import { auditQuery } from '../../src/audit/audit.ops.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { createKey } from '../../src/keys/keys.service.js';
import { ChatwootStandin } from '../helpers/chatwoot-standin.js';
import { runCli } from '../helpers/cli.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { STORE_KINDS } from '../helpers/store.js';
import { fastEnv } from '../helpers/webhooks.js';

describe.each(STORE_KINDS)("the seed's endpoints in the daemon on %s", (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-seed-endpoints-'));
  const memoryRoot = join(dir, 'memory');
  const token = `cw_${randomBytes(8).toString('hex')}`;
  const chatwoot = new ChatwootStandin(token, 7);
  let receiver: TestReceiver;
  let daemon: Daemon;
  let drop: (() => Promise<void>) | undefined;
  const keys = { gdpr: '', publish: '' };
  let env: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await startReceiver();
    await chatwoot.start();
    env = {
      ...fastEnv(receiver.url),
      KGC_SUPPORT_DATA_DIR: join(dir, 'data'),
      KGC_SUPPORT_PORT: '0',
      SUPPORT_MEMORY_ROOT: memoryRoot,
      CHATWOOT_URL: chatwoot.url,
      CHATWOOT_API_TOKEN: token,
      CHATWOOT_ACCOUNT_NUMBER: '7',
      KGC_GDPR_WEBHOOK_WAIT: '10s',
      KGC_GDPR_HTTP_TIMEOUT: '5s',
    };
    if (kind === 'postgres') {
      const pg = await createDatabase();
      env.DATABASE_URL = pg.url;
      drop = pg.drop;
    }
    mkdirSync(join(memoryRoot, 'kgc-support', 'customers'), { recursive: true });
    for (const id of ['C-502', 'C-505'])
      writeFileSync(
        join(memoryRoot, 'kgc-support', 'customers', `${id}.json`),
        '{"likes":"fúrógép"}',
      );
    chatwoot.add({
      name: 'Tóth Anna',
      email: 'toth.anna@example.com',
      phone_number: '+36705559876',
      identifier: 'C-502',
    });
    chatwoot.add({
      name: 'Varga Katalin',
      email: 'varga.kata@example.com',
      phone_number: '+36703332211',
      identifier: 'C-505',
    });
    daemon = await startDaemon({
      config: loadConfig(env),
      logger: silentLogger as never,
      demo: true,
    });
    keys.gdpr = (await createKey(daemon.ctx, { name: 'erp-gdpr', scopes: ['erp:gdpr'] })).api_key;
    keys.publish = (await createKey(daemon.ctx, { name: 'erp', scopes: ['erp:publish'] })).api_key;
    // A daemon on a fresh data directory (its admin socket serves the CLI below): on PGlite its
    // first start (initdb, migrations, demo data in WASM) took over 120 s in a saturated full run.
  }, 300_000);
  afterAll(async () => {
    await daemon?.close();
    await receiver?.stop();
    await chatwoot.stop();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, key: string, body?: unknown) =>
    fetch(`${daemon.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('DELETE /api/customers/{id} records the request, answers 202 with its status URL, and the cascade completes', async () => {
    const res = await call('DELETE', '/api/customers/C-502', keys.gdpr, {
      gdpr_reason: 'user_request',
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as {
      request_id: string;
      status_url: string;
      state: string;
    };
    expect(accepted.request_id).toMatch(/^gdpr_[0-9a-f]{20}$/);
    expect(res.headers.get('location')).toBe(`/api/gdpr/requests/${accepted.request_id}`);
    expect(accepted.status_url).toBe(res.headers.get('location'));

    let view:
      | {
          state: string;
          source: string;
          reason: string;
          customer_id: string | null;
          steps: { step: string; state: string }[];
        }
      | undefined;
    await until(
      async () => {
        const r = await call('GET', accepted.status_url, keys.gdpr);
        expect(r.status).toBe(200);
        view = (await r.json()) as NonNullable<typeof view>;
        return view.state === 'completed';
      },
      60_000,
      `erasure ${accepted.request_id} completed`,
    );
    expect(view).toMatchObject({ source: 'api', reason: 'user_request', customer_id: null });
    expect(Object.fromEntries((view?.steps ?? []).map((s) => [s.step, s.state]))).toEqual({
      erp: 'done',
      webhook: 'done',
      memory: 'done',
      chatwoot: 'done',
      redis: 'skipped',
      store: 'done',
    });
    // Everything of C-502 is gone; the neighbour C-505 is untouched.
    expect(
      (await daemon.ctx.erp.query('SELECT 1 FROM kgc_erp.customers WHERE id = $1', ['C-502'])).rows,
    ).toHaveLength(0);
    expect(existsSync(join(memoryRoot, 'kgc-support', 'customers', 'C-502.json'))).toBe(false);
    expect(existsSync(join(memoryRoot, 'kgc-support', 'customers', 'C-505.json'))).toBe(true);
    expect([...chatwoot.contacts.values()].map((c) => c.identifier)).toEqual(['C-505']);
    const told = receiver.deliveries
      .filter((d) => d.path === '/webhook/kgc/customer-deleted')
      .map((d) => JSON.parse(d.body).data);
    expect(told).toEqual([{ customer_id: 'C-502', gdpr_reason: 'user_request' }]);
    // Step 2 completes on Support's answer, whose settle wrote a notification audit row; it names no customer (GDPR).
    const audited = (await executeOp(daemon.ctx, auditQuery as never, {
      kind: 'notification',
      since: '1h',
    })) as { route: string; resource_id: string | null }[];
    expect(audited.filter((r) => r.route === 'customer.deleted').map((r) => r.resource_id)).toEqual(
      [null],
    );
    expect(
      await executeOp(daemon.ctx, auditQuery as never, { resource: 'C-502', since: '1h' }),
    ).toEqual([]);

    // Asking again (body or query) returns the same request and starts nothing.
    const again = await call('DELETE', '/api/customers/C-502?gdpr_reason=user_request', keys.gdpr);
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(await again.json()).toMatchObject({
      request_id: accepted.request_id,
      state: 'completed',
    });
    const { rows } = await daemon.ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM kgc_support.gdpr_requests WHERE source = 'api'`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses hostile ids as the CLI does, an unknown reason, and keys without erp:gdpr; touching nothing', async () => {
    for (const id of [
      '..%2F..%2Fidentity',
      'C-1*',
      '%2Fetc%2Fpasswd',
      'C-505:x',
      'C-505%20',
      'x'.repeat(65),
    ]) {
      const r = await call('DELETE', `/api/customers/${id}`, keys.gdpr);
      expect([id, r.status, ((await r.json()) as { code: string }).code]).toEqual([
        id,
        400,
        'invalid_customer_id',
      ]);
    }
    // A NUL byte is refused by the router itself, before any handler runs.
    expect((await call('DELETE', '/api/customers/%00C-505', keys.gdpr)).status).toBe(400);
    const reason = await call('DELETE', '/api/customers/C-505?gdpr_reason=Because!', keys.gdpr);
    expect([reason.status, ((await reason.json()) as { code: string }).code]).toEqual([
      400,
      'invalid_reason',
    ]);
    const scope = await call('DELETE', '/api/customers/C-505', keys.publish);
    expect([scope.status, ((await scope.json()) as { code: string }).code]).toEqual([
      403,
      'insufficient_scope',
    ]);
    const unknown = await call('GET', '/api/gdpr/requests/gdpr_00000000000000000000', keys.gdpr);
    expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([
      404,
      'gdpr_request_not_found',
    ]);
    expect(existsSync(join(memoryRoot, 'kgc-support', 'customers', 'C-505.json'))).toBe(true);
    expect(
      (await daemon.ctx.erp.query('SELECT 1 FROM kgc_erp.customers WHERE id = $1', ['C-505'])).rows,
    ).toHaveLength(1);
  });

  it('a delivered service.repair_done for M-2025-0123 is in the audit log under that worklog id (seed 9.2)', async () => {
    const res = await call('POST', '/api/events', keys.publish, {
      id: 'evt-repair-0123',
      event: 'service.repair_done',
      data: {
        worklog_id: 'M-2025-0123',
        customer: { id: 'C-456' },
        machine: 'Husqvarna láncfűrész 450e',
        pickup_info: { location_id: 'BP-01' },
      },
    });
    expect(res.status).toBe(202);
    await until(
      () =>
        receiver.deliveries.some(
          (d) =>
            d.path === '/webhook/kgc/repair-done' && JSON.parse(d.body).id === 'evt-repair-0123',
        ),
      60_000,
      'the repair-done delivery',
    );
    type Row = {
      kind: string;
      route: string;
      resource_id: string | null;
      request_id: string | null;
      status: number | null;
    };
    let rows: Row[] = [];
    // The audit row is written with the delivery's settle, which may come a moment after the receiver answered.
    await until(
      async () => {
        rows = (await executeOp(daemon.ctx, auditQuery as never, {
          resource: 'M-2025-0123',
          since: '1h',
        })) as Row[];
        return rows.some((r) => r.kind === 'notification');
      },
      60_000,
      'the notification audit row',
    );
    expect(rows.filter((r) => r.kind === 'notification')).toEqual([
      expect.objectContaining({
        route: 'service.repair_done',
        resource_id: 'M-2025-0123',
        request_id: 'evt-repair-0123',
        status: 204,
      }),
    ]);
    // What the admin types: the CLI, through the running daemon's admin socket.
    const cli = await runCli(
      ['audit', '--resource', 'M-2025-0123', '--kind', 'notification', '--since', '1h'],
      { PATH: process.env.PATH, NO_COLOR: '1', ...env },
    );
    expect([cli.code, cli.err]).toEqual([0, '']);
    expect(cli.out).toMatch(/notification .*POST service\.repair_done .*M-2025-0123 .*204/);
  });
});
