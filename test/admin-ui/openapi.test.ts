/**
 * The contract Support developers generate clients from: /openapi.json is a valid
 * OpenAPI 3.1 document (checked by a maintained validator), holds every /api route
 * the daemon serves with its methods and key security, and its webhooks and the
 * published event schemas accept the events the daemon sends and refuse a foreign field.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeBody, EVENT_TYPES } from '../../src/events/catalogue.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { SAMPLES } from '../helpers/webhooks.js';

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses?: object }>>;
  webhooks: Record<
    string,
    { post: { requestBody: { content: Record<string, { schema: object }> } } }
  >;
}

describe('/openapi.json and the event schemas', () => {
  let t: TestApi;
  let doc: Doc;
  beforeAll(async () => {
    t = await createTestApi('pglite');
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator['validate']>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('holds every /api route the daemon serves, each method, with key security', () => {
    const routes = t.app
      .guardedRoutes()
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThanOrEqual(12);
    const missing = routes.flatMap((r) => {
      const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      if (!op) return [`${r.method} ${path}`];
      return op.security?.length === 2 ? [] : [`${r.method} ${path}: no security`];
    });
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
    expect(doc.paths['/api/events']?.post?.responses).toHaveProperty('202');
  });

  it('publishes each event schema beside it; a real delivery body passes, a foreign field fails', async () => {
    const index = await t.app.inject({ url: '/schemas/events/index.json' });
    expect(index.json().map((e: { event: string }) => e.event)).toEqual(EVENT_TYPES);
    const ajv = new Ajv2020.default({ strict: false });
    for (const type of EVENT_TYPES) {
      const res = await t.app.inject({ url: `/schemas/events/${type}.json` });
      expect([type, res.statusCode]).toEqual([type, 200]);
      const schema = res.json();
      expect(schema).toEqual(
        doc.webhooks[type]?.post.requestBody.content['application/json']?.schema,
      );
      const check = ajv.compile(schema);
      const body = JSON.parse(
        envelopeBody({ id: 'evt_1', type, occurredAt: new Date(), data: SAMPLES[type] }),
      );
      expect([type, check(body), check.errors ?? null]).toEqual([type, true, null]);
      expect(check({ ...body, data: { ...body.data, tax_number: '12345678-1-42' } })).toBe(false);
    }
    expect((await t.app.inject({ url: '/schemas/events/nope.json' })).statusCode).toBe(404);
  });
});
