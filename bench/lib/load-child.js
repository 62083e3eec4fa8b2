// Runs one autocannon load in its own process (so the load generator never shares
// the server's event loop) and prints the result as one JSON line on stdout.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const result = await autocannon({ ...opts, setupClient: undefined });
const l = result.latency;
process.stdout.write(`${JSON.stringify({
  requests: result.requests.total,
  duration_s: result.duration,
  rps: result.requests.total / result.duration,
  latency_ms: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, mean: l.average },
  errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx,
  status: result.statusCodeStats,
})}\n`);
