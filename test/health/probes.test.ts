/**
 * The probes at the edge, against real sockets: Redis PING (the real Redis, one that
 * wants AUTH, one that refuses, one that never answers) and the HTTP GET (its time
 * limit, an abort, a body kept short). Each ends within its limit and never throws.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { httpGet } from '../../src/health/probes/http.js';
import { redisPing } from '../../src/health/probes/redis.js';
import { cachedRedisCheck } from '../../src/health/readiness.js';
import { refusedPort, silentServer, standIn } from '../helpers/health.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

/** A RESP server that wants AUTH with one password and records what it was sent. */
async function authRedis(
  password: string,
): Promise<{ url: (pw: string) => string; sent: string[] }> {
  const sent: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((c) => {
    sockets.add(c);
    let authed = false;
    c.on('data', (d) => {
      const text = d.toString();
      sent.push(text);
      for (const cmd of text.split(/(?=\*\d+\r\n)/).filter(Boolean)) {
        const args = cmd.split('\r\n').filter((_, i) => i > 0 && i % 2 === 0);
        if (args[0] === 'AUTH') {
          authed = args.at(-1) === password;
          c.write(authed ? '+OK\r\n' : '-WRONGPASS invalid username-password pair\r\n');
        } else if (args[0] === 'PING')
          c.write(authed ? '+PONG\r\n' : '-NOAUTH Authentication required.\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  closers.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return {
    url: (pw) => `redis://${pw ? `:${encodeURIComponent(pw)}@` : ''}127.0.0.1:${port}`,
    sent,
  };
}

describe('redisPing', () => {
  it('gets PONG from the real Redis', async () => {
    expect(await redisPing('redis://127.0.0.1:6379', { timeoutMs: 2_000 })).toMatchObject({
      kind: 'answer',
      reply: '+PONG',
    });
  });

  it("/ready's Redis check passes against the real Redis, and warns for a refused port", async () => {
    expect(await cachedRedisCheck('redis://127.0.0.1:6379', { everyMs: 0 })()).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/^Redis answers/),
    });
    const refused = await cachedRedisCheck(`redis://127.0.0.1:${await refusedPort()}`, {
      everyMs: 0,
    })();
    expect(refused.status).toBe('warn');
  });

  it('sends AUTH first when the URL has a password; reports NOAUTH and WRONGPASS as the server said them', async () => {
    const r = await authRedis('s3cret #1');
    expect(await redisPing(r.url('s3cret #1'), { timeoutMs: 2_000 })).toMatchObject({
      kind: 'answer',
      reply: '+PONG',
    });
    expect(r.sent.join('')).toContain(
      '*2\r\n$4\r\nAUTH\r\n$9\r\ns3cret #1\r\n*1\r\n$4\r\nPING\r\n',
    );
    expect(await redisPing(r.url(''), { timeoutMs: 2_000 })).toMatchObject({
      kind: 'answer',
      reply: '-NOAUTH Authentication required.',
    });
    expect(await redisPing(r.url('wrong'), { timeoutMs: 2_000 })).toMatchObject({
      kind: 'answer',
      reply: '-WRONGPASS invalid username-password pair',
    });
  });

  it('a refused port and a silent server: an error within the limit', async () => {
    expect(
      await redisPing(`redis://127.0.0.1:${await refusedPort()}`, { timeoutMs: 2_000 }),
    ).toMatchObject({ kind: 'error', error: 'connection refused', timedOut: false });
    const silent = await silentServer();
    closers.push(() => silent.close());
    const t0 = performance.now();
    expect(await redisPing(silent.url('redis'), { timeoutMs: 300 })).toMatchObject({
      kind: 'error',
      error: 'no answer within 0.3 s',
      timedOut: true,
    });
    expect(performance.now() - t0).toBeLessThan(2_500);
  });
});

describe('httpGet', () => {
  it('keeps at most maxBody bytes, ends at its limit, and stops at once when aborted', async () => {
    const big = await standIn(() => ({ status: 200, body: 'x'.repeat(200_000) }));
    const hang = await standIn(() => 'hang');
    closers.push(
      () => big.close(),
      () => hang.close(),
    );
    const o = await httpGet(`${big.url}/health`, { timeoutMs: 2_000, maxBody: 1_000 });
    expect(o.kind === 'answer' && o.body.length).toBeGreaterThanOrEqual(1_000);
    expect(o.kind === 'answer' && o.body.length).toBeLessThan(200_000);
    expect(await httpGet(`${hang.url}/health`, { timeoutMs: 200 })).toMatchObject({
      kind: 'error',
      error: 'no answer within 0.2 s',
      timedOut: true,
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = performance.now();
    expect(
      await httpGet(`${hang.url}/health`, { timeoutMs: 5_000, signal: ac.signal }),
    ).toMatchObject({ kind: 'error', error: 'aborted' });
    expect(performance.now() - t0).toBeLessThan(2_500);
    expect(await httpGet('not a url', { timeoutMs: 100 })).toMatchObject({
      kind: 'error',
      error: 'not a URL: not a url',
    });
  });
});
