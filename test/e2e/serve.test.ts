/**
 * The real binary, as an admin runs it: `serve --demo` on a fresh embedded store,
 * the seed's curl example, a second `serve` refused on the same directory while
 * the first keeps serving, a CLI revocation honoured at once, and SIGTERM that
 * finishes an in-flight request, flushes the audit log and releases the lock.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollFor } from '../helpers/docker.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'kgc-support.js');
const dataDir = mkdtempSync(join(tmpdir(), 'kgc-e2e-'));
const env = {
  ...process.env,
  KGC_SUPPORT_DATA_DIR: dataDir,
  KGC_SUPPORT_PORT: '0',
  KGC_SUPPORT_AUDIT_FLUSH_MS: '10000',
  NO_COLOR: '1',
};

function startServe(extra: string[] = []): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [BIN, 'serve', ...extra], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { child, stdout: () => out, stderr: () => err };
}

const waitFor = <T>(fn: () => T | undefined, ms: number, what: string): Promise<T> =>
  pollFor(what, ms, () => Promise.resolve(fn()), 50);

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });

describe('kgc-support serve (the real binary)', () => {
  let first: ReturnType<typeof startServe>;
  let url = '';
  let key = '';
  let keyId = '';

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does)');
    first = startServe(['--demo']);
    // A first start creates the embedded store (initdb and migrations in WASM) and loads the demo
    // data: seconds when quiet, and it took over 60 s in a full run on two saturated cores.
    url = await waitFor(
      () => /listening on (http:\/\/\S+)/.exec(first.stderr())?.[1],
      150_000,
      'the daemon to listen',
    );
    key = /\n {2}(kgc_[0-9A-Za-z]{36})\n/.exec(first.stderr())?.[1] ?? '';
    keyId = /Demo API key (key_\w+)/.exec(first.stderr())?.[1] ?? '';
  }, 180_000);
  afterAll(() => {
    first?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the seed 4.2 example with the printed demo key, and never logs the key', async () => {
    expect(key).toMatch(/^kgc_/);
    const res = await fetch(`${url}/api/service/worklogs/M-2025-0123/status`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      worklog_id: 'M-2025-0123',
      status: 'javítás',
      status_hu: 'Javítás folyamatban',
      quote_amount: 18500,
    });
    expect(first.stdout()).not.toContain(key);
    expect(first.stdout()).toContain('"msg":"kgc-support daemon listening"');
  });

  it("refuses a second serve on the same data directory with the holder's pid; the first keeps serving", async () => {
    const second = cli('serve');
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`is in use by pid ${first.child.pid} (kgc-support serve`);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
  });

  it('reaches the running daemon from the CLI: keys list through the admin socket', () => {
    const res = cli('keys', 'list', '--json');
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).map((k: { id: string }) => k.id)).toContain(keyId);
  });

  it('exposes Prometheus metrics and readiness', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(
      'kgc_support_http_requests_total{route="/api/service/worklogs/:worklog_id/status",method="GET",status="200"} 1',
    );
    expect(metrics).not.toContain(key);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as { checks: Record<string, { status: string }> };
    expect(report.checks.store?.status).toBe('pass');
    expect(report.checks.erp_contract?.status).toBe('pass');
  });

  it('on SIGTERM finishes the in-flight request, flushes the audit log and releases the lock', async () => {
    const port = Number(new URL(url).port);
    const body = JSON.stringify({
      location_id: 'BP-01',
      slot_start: '2020-01-06T09:00:00+01:00',
      customer_id: 'C-123',
    });
    // A request whose body is still arriving when the signal comes. `Expect: 100-continue`
    // makes the server say when it has parsed the headers: from then on the request is in flight.
    const sock = connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let response = '';
    sock.on('data', (d) => {
      response += d.toString();
    });
    sock.write(
      `POST /api/service/appointments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nX-Request-ID: inflight-1\r\n\r\n`,
    );
    await waitFor(
      () => (response.startsWith('HTTP/1.1 100') ? true : undefined),
      30_000,
      'the server to take the request (100 Continue)',
    );
    sock.write(body.slice(0, 20));
    const exited = new Promise<number | null>((r) => first.child.once('exit', (code) => r(code)));
    const logged = first.stdout().length;
    first.child.kill('SIGTERM');
    await waitFor(
      () =>
        first.stdout().slice(logged).includes('finishing in-flight requests') ? true : undefined,
      30_000,
      'the daemon to begin its shutdown',
    );
    sock.write(body.slice(20));
    expect(await exited).toBe(0);
    // The in-flight request got its answer (a past slot: 400 invalid_slot), not a reset.
    expect(response).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400/);
    expect(response).toContain('invalid_slot');
    sock.destroy();
    expect(existsSync(join(dataDir, 'kgc-support.lock'))).toBe(false);
    // Rows buffered for 10 s were flushed at shutdown: read them with the daemon gone.
    const audit = cli('audit', '--json', '--since', '1h', '--kind', 'api');
    expect(audit.status).toBe(0);
    const rows = JSON.parse(audit.stdout) as {
      request_id: string;
      route: string;
      status: number;
    }[];
    expect(rows.find((r) => r.request_id === 'inflight-1')).toMatchObject({
      route: '/api/service/appointments',
      status: 400,
    });
    expect(
      rows.some((r) => r.route === '/api/service/worklogs/:worklog_id/status' && r.status === 200),
    ).toBe(true);
  });

  it('applies a CLI revocation to a running daemon on the next request', async () => {
    const again = startServe();
    try {
      const url2 = await waitFor(
        () => /listening on (http:\/\/\S+)/.exec(again.stderr())?.[1],
        60_000,
        'the daemon to listen',
      );
      const headers = { authorization: `Bearer ${key}` };
      expect((await fetch(`${url2}/api/rentals/R-2025-001/status`, { headers })).status).toBe(200);
      const revoke = cli('keys', 'revoke', keyId);
      expect(revoke.status).toBe(0);
      const res = await fetch(`${url2}/api/rentals/R-2025-001/status`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('api_key_revoked');
    } finally {
      again.child.kill('SIGTERM');
      await new Promise((r) => again.child.once('exit', r));
    }
  });
});
