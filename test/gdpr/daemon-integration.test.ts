/**
 * The cascade inside the real daemon with the real dispatcher: the ERP's own
 * customer.deleted starts an erasure that adopts that event (Support hears of it
 * once), and an erasure asked for by an admin publishes one event, waits for
 * Support's 2xx and completes. Both stores.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOp } from '../../src/admin/execute.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/context/logger.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { gdprOps } from '../../src/gdpr/gdpr.ops.js';
import { createKey } from '../../src/keys/keys.service.js';
import { pollFor } from '../helpers/docker.js';
import { createDatabase } from '../helpers/pg.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { fastEnv } from '../helpers/webhooks.js';
import { STORE_KINDS } from '../helpers/store.js';

describe.each(STORE_KINDS)('GDPR through the daemon on %s', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-gdpr-int-'));
  const memoryRoot = join(dir, 'memory');
  let receiver: TestReceiver;
  let daemon: Daemon;
  let drop: (() => Promise<void>) | undefined;
  let publishKey = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    const env: Record<string, string> = {
      ...fastEnv(receiver.url),
      KGC_SUPPORT_DATA_DIR: join(dir, 'data'),
      KGC_SUPPORT_PORT: '0',
      SUPPORT_MEMORY_ROOT: memoryRoot,
      KGC_GDPR_WEBHOOK_WAIT: '10s',
    };
    if (kind === 'postgres') {
      const pg = await createDatabase();
      env.DATABASE_URL = pg.url;
      drop = pg.drop;
    }
    mkdirSync(join(memoryRoot, 'kgc-support', 'customers'), { recursive: true });
    for (const id of ['C-124', 'C-501', 'C-504'])
      writeFileSync(
        join(memoryRoot, 'kgc-support', 'customers', `${id}.json`),
        '{"likes":"láncfűrész"}',
      );
    daemon = await startDaemon({
      config: loadConfig(env),
      logger: silentLogger as never,
      demo: true,
    });
    publishKey = (await createKey(daemon.ctx, { name: 'erp', scopes: ['erp:publish'] })).api_key;
  });
  afterAll(async () => {
    await daemon?.close();
    await receiver?.stop();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const requestsFor = async (triggerEventId: string) =>
    (
      await daemon.ctx.db.query<{ id: string; state: string }>(
        'SELECT id, state FROM kgc_support.gdpr_requests WHERE trigger_event_id = $1',
        [triggerEventId],
      )
    ).rows;

  it("starts an erasure for the ERP's customer.deleted and tells Support once", async () => {
    const res = await fetch(`${daemon.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${publishKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'evt-erp-del-124',
        event: 'customer.deleted',
        data: { customer_id: 'C-124', gdpr_reason: 'user_request' },
      }),
    });
    expect(res.status).toBe(202);
    const [req] = await pollFor(
      'the erasure of C-124 to complete',
      15_000,
      async () => {
        const rows = await requestsFor('evt-erp-del-124');
        return rows[0]?.state === 'completed' ? rows : undefined;
      },
      100,
    );
    expect(req?.state).toBe('completed');
    expect(existsSync(join(memoryRoot, 'kgc-support', 'customers', 'C-124.json'))).toBe(false);
    expect(existsSync(join(memoryRoot, 'kgc-support', 'customers', 'C-504.json'))).toBe(true);
    const customer = await daemon.ctx.erp.query('SELECT 1 FROM kgc_erp.customers WHERE id = $1', [
      'C-124',
    ]);
    expect(customer.rows).toHaveLength(0);
    // Nothing is left to send: a second customer.deleted would have gone out by now.
    await daemon.dispatcher.waitIdle();
    const deliveries = receiver.deliveries.filter(
      (d) => d.path === '/webhook/kgc/customer-deleted',
    );
    expect(deliveries.map((d) => JSON.parse(d.body).id)).toEqual(['evt-erp-del-124']);
  });

  it("publishes, waits for Support's answer and completes an erasure an admin asks for", async () => {
    const before = receiver.deliveries.length;
    const view = (await executeOp({ ...daemon.ctx, actor: 'cli:test' }, gdprOps.delete as never, {
      customer_id: 'C-501',
      reason: 'user_request',
    })) as { request_id: string; state: string };
    expect(view.state).toBe('completed');
    const sent = receiver.deliveries
      .slice(before)
      .filter((d) => d.path === '/webhook/kgc/customer-deleted')
      .map((d) => JSON.parse(d.body));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      event: 'customer.deleted',
      data: { customer_id: 'C-501', gdpr_reason: 'user_request' },
    });
    // The cascade's own event does not start a second erasure.
    await daemon.erasures.intake();
    expect(await requestsFor(sent[0].id)).toEqual([]);
  });

  it('answers an access request at GET /api/customers/{id}/export with an erp:gdpr key only', async () => {
    const gdprKey = (await createKey(daemon.ctx, { name: 'erp-gdpr', scopes: ['erp:gdpr'] }))
      .api_key;
    const get = (key: string, id = 'C-504') =>
      fetch(`${daemon.url}/api/customers/${id}/export`, {
        headers: { authorization: `Bearer ${key}` },
      });
    const res = await get(gdprKey);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      customer_id: string;
      complete: boolean;
      systems: { system: string; status: string; data: unknown }[];
    };
    expect(doc.customer_id).toBe('C-504');
    expect(doc.systems.map((s) => [s.system, s.status])).toEqual([
      ['erp', 'found'],
      ['webhook', 'not_kept'],
      ['memory', 'found'],
      ['chatwoot', 'not_configured'],
      ['redis', 'not_configured'],
      ['store', 'nothing'],
    ]);
    expect(doc.systems[2]?.data).toEqual([
      { name: 'C-504.json', bytes: expect.any(Number), content: { likes: 'láncfűrész' } },
    ]);
    expect((await get(publishKey)).status).toBe(403);
    expect((await get(gdprKey, 'C%2F504')).status).toBe(400);
    // The audit log names the export by the customer's keyed hash, never the id.
    await daemon.audit.flush();
    const { rows } = await daemon.ctx.db.query<{ kind: string; resource_id: string }>(
      `SELECT kind, resource_id FROM kgc_support.audit_log WHERE route LIKE '%export%' ORDER BY id`,
    );
    expect(rows.map((r) => r.kind).sort()).toEqual(['admin', 'api', 'api', 'api']);
    for (const r of rows.filter((x) => x.resource_id !== null))
      expect(r.resource_id).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain('C-504');
  });
});
