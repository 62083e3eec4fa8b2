// Runs one autocannon load in its own process (so the load generator never shares
// the server's event loop) and prints the result as one JSON line on stdout.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
// A body template with [<id>] gets a fresh id per request (autocannon's own
// idReplacement sends nothing in this version, so it is done here).
if (opts.idReplacement) {
  const template = opts.body;
  const prefix = `${process.pid}-${Date.now()}-`;
  let n = 0;
  delete opts.idReplacement;
  delete opts.body;
  opts.requests = [
    {
      method: opts.method,
      setupRequest: (req) => ({ ...req, body: template.replaceAll('[<id>]', `${prefix}${n++}`) }),
    },
  ];
}
const result = await autocannon(opts);
const l = result.latency;
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    duration_s: result.duration,
    rps: result.requests.total / result.duration,
    latency_ms: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, mean: l.average },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status: result.statusCodeStats,
  })}\n`,
);
