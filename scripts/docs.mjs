#!/usr/bin/env node
// Writes the generated references of the manual (run: npm run docs, which builds first):
// docs/configuration.md from the settings table, docs/errors.md from the error catalogue,
// docs/cli.md from the command definitions and docs/api.md from the OpenAPI document the
// daemon serves. Each file keeps its hand-written head; test/unit/docs.test.ts fails when
// a committed file differs from what this writes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recordingIO } from '../dist/cli/io.js';
import { buildProgram } from '../dist/cli/main.js';
import { referenceDocs, withGenerated } from '../dist/cli/reference/docs.js';
import { loadConfig } from '../dist/config/config.js';
import { cryptoRandom, systemClock } from '../dist/context/clock.js';
import { silentLogger } from '../dist/context/logger.js';
import { composeApi } from '../dist/daemon/compose-app.js';
import { createMetrics } from '../dist/metrics/metrics.js';
import { openStore } from '../dist/store/open.js';

/** The OpenAPI document, as GET /openapi.json answers it, from the daemon's own composition. */
async function openApiDocument() {
  const config = loadConfig({ HOME: '/home/kgc', KGC_SUPPORT_LOG_LEVEL: 'silent' });
  const store = await openStore({
    config,
    logger: silentLogger,
    command: 'docs',
    memory: true,
    migrate: false,
  });
  const ctx = {
    config,
    db: store.db,
    erp: store.erp,
    logger: silentLogger,
    clock: systemClock,
    random: cryptoRandom,
    actor: 'docs',
  };
  const never = () => Promise.reject(new Error('not served while writing the docs'));
  const { app, audit } = await composeApi({
    ctx,
    metrics: createMetrics({ defaultMetrics: false }),
    moduleEnabled: () => true,
    erasures: { fromApi: never, intake: () => Promise.resolve(0), exportCustomer: never },
    lifecycle: () => ({
      state: 'DISABLED',
      since: new Date(0).toISOString(),
      checked_at: null,
      next_check_at: null,
      detail: '',
      deliveries_held: false,
      components: [],
    }),
  });
  try {
    await app.ready();
    const res = await app.inject({ url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
    return res.json();
  } finally {
    await app.close();
    await audit.close();
    await store.close();
  }
}

const HEADS = {
  'docs/configuration.md': '# Configuration reference',
  'docs/errors.md': '# Exit codes and error codes',
  'docs/cli.md': '# Command reference',
  'docs/api.md': '# The Pull API reference',
};

const root = fileURLToPath(new URL('../', import.meta.url));
const files = referenceDocs(buildProgram(recordingIO()), await openApiDocument());
for (const [path, generated] of Object.entries(files)) {
  const target = `${root}${path}`;
  const existing = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  const text = withGenerated(existing, generated, HEADS[path]);
  if (text !== existing) {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
