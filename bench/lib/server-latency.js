// Server-side latency of a run, from the daemon's own audit log (onRequest to the
// answer, per request): what the daemon did, without the load generator's noise.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/kgc-support.js', import.meta.url));

/** `measured`: how many of the newest rows belong to the measured phase (the warm-up came first). */
export async function serverLatency(env, route, sinceIso, measured = Infinity) {
  const out = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        '--json',
        'audit',
        '--kind',
        'api',
        '--route',
        route,
        '--since',
        sinceIso,
        '--limit',
        '100000',
      ],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.on('exit', (c) => (c === 0 ? resolve(text) : reject(new Error(`audit exited ${c}`))));
  });
  // The audit log answers newest first: the measured phase is its head, the warm-up its tail.
  const ms = JSON.parse(out)
    .slice(0, measured)
    .map((r) => r.latency_ms)
    .filter((v) => typeof v === 'number')
    .sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0;
  return { count: ms.length, p50: q(0.5), p99: q(0.99), max: ms[ms.length - 1] ?? 0 };
}

/** The generator's own floor: a trivial Fastify route at the same rate, same tool. */
export async function pacedFloor(paced, rate, duration, method = 'GET') {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.route({ method, url: '/floor', handler: async () => ({ ok: true }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await paced({
      url: `http://127.0.0.1:${app.server.address().port}/floor`,
      rate,
      duration,
      warmup: 1,
      method,
      ...(method === 'POST'
        ? { body: '{"id":"[<id>]"}', headers: { 'content-type': 'application/json' } }
        : {}),
    });
  } finally {
    await app.close();
  }
}
