// Prints results beside their baselines and targets, and keeps them as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';

const fmt = (n, d = 0) =>
  n === undefined || n === null || Number.isNaN(n)
    ? '-'
    : Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function row({ scenario, store = '', rps, p50, p99, baseline, target, verdict, note = '' }) {
  return {
    scenario,
    store,
    rps,
    p50,
    p99,
    baseline,
    ratio: baseline?.rps ? rps / baseline.rps : undefined,
    target,
    verdict,
    note,
  };
}

export function printTable(rows, out = process.stdout) {
  const header = [
    'scenario',
    'store',
    'req/s',
    'p50 ms',
    'p99 ms',
    'baseline req/s',
    'baseline p99',
    'ratio',
    'target',
    'verdict',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    r.store,
    fmt(r.rps),
    fmt(r.p50, 2),
    fmt(r.p99, 2),
    fmt(r.baseline?.rps),
    fmt(r.baseline?.p99, 2),
    r.ratio === undefined ? '-' : r.ratio.toFixed(2),
    r.target ?? '',
    r.verdict ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const pr = (cells) =>
    out.write(`${cells.map((c, i) => String(c).padEnd(widths[i])).join('  ')}\n`);
  pr(header);
  pr(widths.map((w) => '-'.repeat(w)));
  for (const l of lines) pr(l);
  for (const r of rows)
    if (r.note) out.write(`  ${r.scenario}${r.store ? ` (${r.store})` : ''}: ${r.note}\n`);
}

export function saveResults(file, data) {
  mkdirSync(new URL('.', `file://${file}`).pathname, { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
