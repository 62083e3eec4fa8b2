// wrk (C, epoll) as the closed-loop load generator when it is installed: on a
// 2-core machine the generator shares the cores with the server and PostgreSQL,
// and autocannon (Node) spends about as much CPU per request as the server under
// test; wrk spends a fraction of it, so more of the machine measures the server.
// Same shape of result as load-child.js.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function wrkAvailable() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its banner: it is there when it ran at all.
    return (
      err &&
      typeof err === 'object' &&
      'status' in err &&
      err.status !== null &&
      err.code !== 'ENOENT'
    );
  }
}

const lua = (s) => `"${String(s).replace(/[\\"]/g, (c) => `\\${c}`)}"`;

function script(paths, headers) {
  return `local paths = { ${paths.map(lua).join(', ')} }
local headers = { ${Object.entries(headers)
    .map(([k, v]) => `[${lua(k)}] = ${lua(v)}`)
    .join(', ')} }
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nKGC-RESULT {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;
}

function runWrk(url, connections, seconds, file) {
  return new Promise((resolve, reject) => {
    execFile(
      'wrk',
      ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', file, url],
      { maxBuffer: 1 << 20 },
      (err, stdout) => {
        if (err) return reject(err);
        const line = stdout.split('\n').find((l) => l.startsWith('KGC-RESULT '));
        if (!line) return reject(new Error(`wrk printed no result:\n${stdout}`));
        const r = JSON.parse(line.slice('KGC-RESULT '.length));
        const ms = (us) => Math.round(us / 10) / 100;
        resolve({
          generator: 'wrk',
          requests: r.requests,
          duration_s: r.duration_us / 1e6,
          rps: r.requests / (r.duration_us / 1e6),
          latency_ms: {
            p50: ms(r.p50),
            p90: ms(r.p90),
            p99: ms(r.p99),
            max: ms(r.max),
            mean: ms(r.mean),
          },
          errors: r.errors,
          timeouts: 0,
          non2xx: r.non2xx,
        });
      },
    );
  });
}

/** GETs of `paths` in turn over `connections` keep-alive connections: warm-up (discarded), then the measured run. */
export async function wrkLoad({ url, connections, duration, warmup, headers = {}, paths }) {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-wrk-'));
  try {
    const file = join(dir, 'load.lua');
    writeFileSync(file, script(paths, headers));
    if (warmup > 0) await runWrk(url, connections, warmup, file);
    return await runWrk(url, connections, duration, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
