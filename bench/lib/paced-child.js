// An open-loop load at a steady rate, in its own process: requests are scheduled at
// even intervals whatever the server does, and each latency is measured from the
// time the request was due (no coordinated omission). autocannon's rate limit sends
// each second's quota in a burst, which measures queueing, not the rate. A warm-up
// phase in the same process (connections open, code compiled) is not recorded.
import { Pool } from 'undici';

const o = JSON.parse(process.argv[2]);
const url = new URL(o.url);
const pool = new Pool(url.origin, { connections: o.connections ?? 64, pipelining: 1 });
const prefix = `${process.pid}-${Date.now()}-`;
let n = 0;

async function phase(seconds, record) {
  const lat = [];
  let sent = 0;
  let done = 0;
  let errors = 0;
  let non2xx = 0;
  let tooMany = 0;
  const total = Math.round(o.rate * seconds);
  const intervalMs = 1000 / o.rate;
  const start = performance.now();
  const fire = (dueAt) => {
    const i = n++;
    const path = o.paths ? o.paths[i % o.paths.length] : url.pathname + url.search;
    const body = o.body ? o.body.replaceAll('[<id>]', `${prefix}${i}`) : undefined;
    sent++;
    pool
      .request({ path, method: o.method ?? 'GET', headers: o.headers ?? {}, body })
      .then(
        async (res) => {
          await res.body.dump();
          if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
          if (res.statusCode === 429) tooMany++;
          if (record) lat.push(performance.now() - dueAt);
          if (record && process.env.PACED_TRACE && performance.now() - dueAt > 8)
            process.stderr.write(
              `slow at ${(dueAt - start).toFixed(0)} ms: ${(performance.now() - dueAt).toFixed(1)} ms\n`,
            );
        },
        () => {
          errors++;
        },
      )
      .finally(() => {
        done++;
      });
  };
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) fire(start + sent * intervalMs);
      if (sent >= total) {
        resolve();
        return;
      }
      // Sleep until the next request is due (spinning would take a core from the server).
      setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  while (done < total) await new Promise((r) => setTimeout(r, 5));
  const secs = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  return {
    requests: done,
    rps: done / secs,
    latency_ms: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: lat[lat.length - 1] ?? 0 },
    errors,
    non2xx,
    status429: tooMany,
  };
}

if (o.warmup > 0) await phase(o.warmup, false);
const result = await phase(o.duration, true);
process.stdout.write(`${JSON.stringify(result)}\n`);
await pool.close();
