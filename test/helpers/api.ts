/**
 * The Pull API in-process (Fastify inject) over a test store with the demo data
 * and one key per scope set. The audit writer is real; `flushAudit` writes it out.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { buildApiApp } from '../../src/api/app.js';
import { RateLimiter } from '../../src/api/rate-limit.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import type { Ctx } from '../../src/context/context.js';
import { seedDemo } from '../../src/erp/demo/seed.js';
import { KeyVerifier } from '../../src/keys/key-verifier.js';
import { createKey } from '../../src/keys/keys.service.js';
import { createMetrics } from '../../src/metrics/metrics.js';
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
  close(): Promise<void>;
}

export async function createTestApi(
  kind: StoreKind,
  opts: TestStoreOptions & {
    rateLimit?: string;
    extraRoutes?: readonly FastifyPluginAsync<{ ctx: Ctx }>[];
  } = {},
): Promise<TestApi> {
  const ts = await createTestStore(kind, {
    ...opts,
    env: { KGC_SUPPORT_RATE_LIMIT: opts.rateLimit ?? '100000/s', ...opts.env },
  });
  const ctx = ts.ctx;
  await seedDemo(ctx);
  const issue = async (name: string, scopes: string[]) => createKey(ctx, { name, scopes });
  const read = await issue('read', ['support:read']);
  const appointments = await issue('appointments', ['support:read', 'support:appointments']);
  const publish = await issue('publish', ['erp:publish']);
  const admin = await issue('admin', ['admin']);
  const verifier = new KeyVerifier(ctx);
  const audit = new AuditWriter(ctx, { flushMs: 60_000 });
  const module = { enabled: true };
  const app = await buildApiApp({
    ctx,
    verifier,
    audit,
    metrics: createMetrics({ defaultMetrics: false }),
    limiter: new RateLimiter(ctx.clock, ctx.config.rateLimit),
    moduleEnabled: () => module.enabled,
    logger: false,
    ...(opts.extraRoutes ? { extraRoutes: opts.extraRoutes } : {}),
  });
  await app.ready();
  return {
    app,
    ts,
    ctx,
    verifier,
    audit,
    module,
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
