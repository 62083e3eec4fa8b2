/**
 * The daemon's /metrics as Prometheus's own linter reads it: `promtool check metrics`
 * (Debian's prometheus package, installed by .ci/run) must find nothing to refuse.
 * prom-client's default metrics broke it: three gauges named `_total`
 * (nodejs_active_handles_total and the like), a suffix promtool keeps for counters.
 * Without promtool the test says SKIP loudly instead of passing in silence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { fastEnv } from '../helpers/webhooks.js';

const promtool = (await execa('promtool', ['--version'], { reject: false })).exitCode === 0;
if (!promtool)
  console.warn(
    '\n*** SKIP /metrics promtool test: promtool is not installed (apt-get install prometheus) ***\n',
  );

describe.skipIf(!promtool)('/metrics and promtool', () => {
  let daemon: Daemon;
  let rx: TestReceiver;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-promtool-'));
    rx = await startReceiver();
    daemon = await startDaemon({
      memory: true,
      config: loadConfig({
        KGC_SUPPORT_DATA_DIR: dataDir,
        KGC_SUPPORT_LOG_LEVEL: 'silent',
        KGC_SUPPORT_PORT: '0',
        ...fastEnv(rx.url),
      }),
    });
  });
  afterAll(async () => {
    await daemon?.close();
    await rx?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('promtool check metrics finds no problem', async () => {
    // A request first, so that the request series have samples too.
    expect((await fetch(`${daemon.url}/api/orders/O-1/status`)).status).toBe(401);
    const text = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(text).toMatch(/^kgc_support_http_requests_total/m);
    const r = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.exitCode).toBe(0);
    // What the refused `_total` gauges counted is still there, by type.
    expect(text).toMatch(/^kgc_support_nodejs_active_handles\{type="\w+"\} \d+/m);
  });
});
