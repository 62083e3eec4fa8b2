/**
 * The Pull API in-process (Fastify inject) over a test store with the demo data
 * and one key per scope set, built by the daemon's own composition (compose-app.ts):
 * the same routes, group-commit ingest and guard. The audit writer is real and
 * flushes only when asked (`t.audit.flush()`).
 */
import type { FastifyInstance } from 'fastify';
import type { AuditWriter } from '../../src/audit/audit-writer.js';
import type { Ctx } from '../../src/context/context.js';
import { composeApi, type ApiParts } from '../../src/daemon/compose-app.js';
import { seedDemo } from '../../src/erp/demo/seed.js';
import { KgcError } from '../../src/errors/kgc-error.js';
import type { KeyVerifier } from '../../src/keys/key-verifier.js';
import { createKey } from '../../src/keys/keys.service.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { Capability } from '../../src/plugin/plugin.schema.js';
import { createTestStore, type StoreKind, type TestStore, type TestStoreOptions } from './store.js';

export interface TestApi {
  app: FastifyInstance;
  ts: TestStore;
  ctx: Ctx;
  keys: { read: string; appointments: string; publish: string; admin: string };
  keyIds: { read: string; appointments: string; publish: string; admin: string };
  verifier: KeyVerifier;
  audit: AuditWriter;
  module: { enabled: boolean };
  /** The capability switches the guard reads (all on). */
  capabilities: Record<Capability, boolean>;
  close(): Promise<void>;
}

/** No erasure worker: the erasure door says so with a 503 problem, the intake does nothing. */
export const NO_ERASURES: ApiParts['erasures'] = {
  fromApi: () => Promise.reject(new KgcError('not_ready', 'no erasure worker in this test')),
  intake: () => Promise.resolve(0),
  exportCustomer: () => Promise.reject(new KgcError('not_ready', 'no erasure worker in this test')),
};

export const disabledLifecycle: ApiParts['lifecycle'] = () => ({
  state: 'DISABLED',
  since: new Date(0).toISOString(),
  checked_at: null,
  next_check_at: null,
  detail: '',
  deliveries_held: false,
  components: [],
});

/** One rate limit for every scope (the scopes' own defaults would differ). */
export const uniformRateLimit = (rate: string): Record<string, string> => ({
  KGC_SUPPORT_RATE_LIMIT: rate,
  KGC_SUPPORT_RATE_LIMIT_PUBLISH: rate,
  KGC_SUPPORT_RATE_LIMIT_GDPR: rate,
});

export async function createTestApi(
  kind: StoreKind,
  opts: TestStoreOptions & {
    rateLimit?: string;
    /** The GDPR doors; default: DELETE /api/customers answers 503 (no cascade in this test). */
    erasures?: ApiParts['erasures'];
    /** What GET /api/support/health reports; default DISABLED. */
    lifecycle?: ApiParts['lifecycle'];
    onPublished?: ApiParts['onPublished'];
  } = {},
): Promise<TestApi> {
  const ts = await createTestStore(kind, {
    ...opts,
    env: { ...uniformRateLimit(opts.rateLimit ?? '100000/s'), ...opts.env },
  });
  const ctx = ts.ctx;
  await seedDemo(ctx);
  const issue = async (name: string, scopes: string[]) => createKey(ctx, { name, scopes });
  const read = await issue('read', ['support:read']);
  const appointments = await issue('appointments', ['support:read', 'support:appointments']);
  const publish = await issue('publish', ['erp:publish']);
  const admin = await issue('admin', ['admin']);
  const module = { enabled: true };
  const capabilities: Record<Capability, boolean> = { booking: true };
  const { app, verifier, audit } = await composeApi({
    ctx,
    metrics: createMetrics({ defaultMetrics: false }),
    moduleEnabled: () => module.enabled,
    capabilityEnabled: (c) => capabilities[c],
    auditFlushMs: 60_000,
    erasures: opts.erasures ?? NO_ERASURES,
    lifecycle: opts.lifecycle ?? disabledLifecycle,
    ...(opts.onPublished ? { onPublished: opts.onPublished } : {}),
  });
  await app.ready();
  return {
    app,
    ts,
    ctx,
    verifier,
    audit,
    module,
    capabilities,
    keys: {
      read: read.api_key,
      appointments: appointments.api_key,
      publish: publish.api_key,
      admin: admin.api_key,
    },
    keyIds: {
      read: read.key.id,
      appointments: appointments.key.id,
      publish: publish.key.id,
      admin: admin.key.id,
    },
    async close() {
      await app.close();
      await audit.close();
      await ts.close();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
