// Scenario 5: CLI cold start, wall time of whole processes, beside `node -e 0`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { row } from '../lib/report.js';

const BIN = fileURLToPath(new URL('../../bin/kgc-support.js', import.meta.url));

function wallTimes(args, runs, env) {
  const times = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, args, { stdio: 'ignore', env });
    const ms = performance.now() - t0;
    if (res.status === null || res.status > 3)
      throw new Error(`${args.join(' ')} exited ${res.status}`);
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p90: at(0.9), min: times[0] };
}

/** `extra` adds commands measured the same way: [{ name, args, target }]. */
export async function cliScenarios(opts, log, extra = []) {
  const runs = opts.cliRuns;
  log(`\n[cli] ${runs} runs each (after 3 warm-up runs)`);
  const env = { ...process.env, NO_COLOR: '1' };
  const base = wallTimes(['-e', '0'], runs, env);
  const rows = [
    row({
      scenario: 'node -e 0',
      p50: base.p50,
      p99: base.p90,
      note: 'p99 column is p90 for process timings',
    }),
  ];
  // --help answers from pages written at build time (src/cli/help-fast.ts): its target is a
  // ratio to `node -e 0` in the same run, which a loaded or slower machine does not move.
  const help = wallTimes([BIN, '--help'], runs, env);
  rows.push(
    row({
      scenario: 'kgc-support --help',
      p50: help.p50,
      p99: help.p90,
      baseline: { rps: undefined, p99: base.p90 },
      target: '≤ 1.3 × node -e 0',
      verdict: help.p50 <= 1.3 * base.p50 ? 'PASS' : 'MISS',
      note: `${(help.p50 / base.p50).toFixed(2)} × node -e 0 (p50 ${help.p50.toFixed(0)} ms vs ${base.p50.toFixed(0)} ms)`,
    }),
  );
  for (const c of extra) {
    const t = wallTimes(c.args, runs, { ...env, ...c.env });
    rows.push(
      row({
        scenario: c.name,
        p50: t.p50,
        p99: t.p90,
        baseline: { rps: undefined, p99: base.p90 },
        target: `< ${c.target} ms wall`,
        verdict: t.p50 < c.target ? 'PASS' : 'MISS',
        note: `${(t.p50 / base.p50).toFixed(1)} × node -e 0 (p50 ${t.p50.toFixed(0)} ms vs ${base.p50.toFixed(0)} ms)`,
      }),
    );
  }
  return rows;
}
