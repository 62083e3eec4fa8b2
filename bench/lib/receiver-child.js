// A webhook receiver in its own process, as Support would run it: every request is
// verified (Standard Webhooks signature, with our exported verifier) before it counts.
// Reports over IPC: counts, duplicates, invalid signatures and per-id receipt times.
import http from 'node:http';
import { verifyWebhook } from '../../dist/index.js';

const secret = process.argv[2];
const seen = new Set();
let valid = 0;
let invalid = 0;
let duplicates = 0;
let watch = null; // ids whose receipt time the parent wants, prefix match
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    // The daemon also probes GET /health (Support's lifecycle): only webhooks count.
    if (req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const body = Buffer.concat(chunks);
    const at = performance.timeOrigin + performance.now();
    const r = verifyWebhook(req.headers, body, [secret]);
    if (!r.ok) {
      invalid++;
      res.writeHead(401).end();
      return;
    }
    valid++;
    const id = req.headers['webhook-id'];
    if (seen.has(id)) duplicates++;
    else seen.add(id);
    if (watch && id.startsWith(watch)) process.send({ got: id, at });
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m.cmd === 'stats') process.send({ stats: { valid, invalid, duplicates, unique: seen.size } });
  if (m.cmd === 'reset') {
    seen.clear();
    valid = 0;
    invalid = 0;
    duplicates = 0;
    process.send({ reset: true });
  }
  if (m.cmd === 'watch') {
    watch = m.prefix;
    process.send({ watching: true });
  }
});
