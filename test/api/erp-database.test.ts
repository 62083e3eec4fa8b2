/**
 * ERP_DATABASE_URL: the daemon keeps its own state in one store (here the embedded
 * PGlite) and reads the ERP contract from the ERP's PostgreSQL, writing only
 * appointments there. Idempotent booking works across the two databases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditWriter } from '../../src/audit/audit-writer.js';
import { composeApi } from '../../src/daemon/compose-app.js';
import { seedDemo } from '../../src/erp/demo/seed.js';
import { createKey } from '../../src/keys/keys.service.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { openPostgres } from '../../src/store/postgres.js';
import { migrationsDir } from '../../src/store/open.js';
import { silentLogger } from '../../src/context/logger.js';
import { manualClock } from '../../src/context/clock.js';
import type { FastifyInstance } from 'fastify';
import { disabledLifecycle, NO_ERASURES } from '../helpers/api.js';
import { createDatabase } from '../helpers/pg.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

describe('ERP in its own PostgreSQL database', () => {
  let erpDb: Awaited<ReturnType<typeof createDatabase>>;
  let ts: TestStore;
  let app: FastifyInstance;
  let audit: AuditWriter | undefined;
  let key = '';

  beforeAll(async () => {
    erpDb = await createDatabase('kgc_erp_t');
    // The ERP side: the reference schema and data, as the ERP would have them.
    const erp = await openPostgres({ url: erpDb.url, poolMax: 4, logger: silentLogger });
    await erp.exec(readFileSync(join(migrationsDir(), '002_erp_reference.sql'), 'utf8'));
    await erp.close();
    ts = await createTestStore('pglite', {
      env: { ERP_DATABASE_URL: erpDb.url },
      clock: manualClock(Date.parse('2030-01-02T10:00:00Z')),
    });
    await seedDemo(ts.ctx);
    key = (await createKey(ts.ctx, { name: 'x', scopes: ['support:read', 'support:appointments'] }))
      .api_key;
    ({ app, audit } = await composeApi({
      ctx: ts.ctx,
      metrics: createMetrics({ defaultMetrics: false }),
      moduleEnabled: () => true,
      auditFlushMs: 1000,
      erasures: NO_ERASURES,
      lifecycle: disabledLifecycle,
    }));
  });
  afterAll(async () => {
    await app?.close();
    await audit?.close();
    await ts?.close();
    await erpDb?.drop();
  });

  it('keeps the daemon state and the ERP apart', async () => {
    expect(ts.store.erp).not.toBe(ts.store.db);
    expect(ts.store.erp.kind).toBe('postgres');
    const erpCustomers = await ts.store.erp.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM kgc_erp.customers',
    );
    const localCustomers = await ts.store.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM kgc_erp.customers',
    );
    expect(erpCustomers.rows[0]?.n).toBe(12);
    expect(localCustomers.rows[0]?.n).toBe(0);
  });

  it('answers from the ERP database and books there, idempotently', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/customers/by-phone/06301234567',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.json().customer_id).toBe('C-123');
    const book = () =>
      app.inject({
        method: 'POST',
        url: '/api/service/appointments',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'erp-db-1' },
        payload: {
          location_id: 'BP-01',
          slot_start: '2030-01-07T09:00:00+01:00',
          customer_id: 'C-123',
        },
      });
    const [a, b] = await Promise.all([book(), book()]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().appointment_id).toBe(b.json().appointment_id);
    const rows = await ts.store.erp.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM kgc_erp.appointments',
    );
    expect(rows.rows[0]?.n).toBe(1);
  });
});
