#!/usr/bin/env node
// npm run bench [-- --scenario by-phone,worklog-status,by-phone-cache,ingest,dispatch,seed-publish,cli,memory] [--store postgres,pglite]
//                  [--duration 10] [--connections 16] [--customers 1000000] [--generator auto|wrk|autocannon]
//                  [--fixed-fraction 0.5] [--soak-seconds 180] [--json]
// The closed-loop GET scenarios use wrk when it is installed (apt-get install wrk): it
// leaves more of a 2-core machine to the server than autocannon does.
// Every scenario runs beside its baseline, in the same run, on this machine.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './lib/machine.js';
import { chooseGenerator } from './lib/load.js';
import { printTable, saveResults } from './lib/report.js';
import { cliScenarios } from './scenarios/cli.js';
import { dispatchScenario, ingestScenario, seedPublishScenario } from './scenarios/events.js';
import { memoryScenario } from './scenarios/memory.js';
import { pullApiScenarios } from './scenarios/pull-api.js';
import { cacheScenario } from './scenarios/cache.js';

const { values } = parseArgs({
  options: {
    scenario: {
      type: 'string',
      default: 'by-phone,worklog-status,by-phone-cache,ingest,dispatch,seed-publish,cli,memory',
    },
    store: { type: 'string', default: 'postgres,pglite' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    customers: { type: 'string', default: '1000000' },
    'cli-runs': { type: 'string', default: '20' },
    events: { type: 'string', default: '20000' },
    'latency-events': { type: 'string', default: '1000' },
    generator: { type: 'string', default: 'auto' },
    // The fixed-rate rows run at this share of the bare route's max in the same run.
    'fixed-fraction': { type: 'string', default: '0.5' },
    // The memory scenario's soak (scripts/soak.mjs) on each store; 0 leaves it out.
    'soak-seconds': { type: 'string', default: '180' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: npm run bench -- [--scenario by-phone,worklog-status,by-phone-cache,ingest,dispatch,seed-publish,cli,memory] [--store postgres,pglite] [--duration 10] [--warmup 3] [--connections 16] [--customers 1000000] [--events 20000] [--latency-events 1000] [--cli-runs 20] [--generator auto|wrk|autocannon] [--fixed-fraction 0.5] [--soak-seconds 180] [--json]\n',
  );
  process.exit(0);
}
const scenarios = values.scenario.split(',').map((s) => s.trim());
const opts = {
  stores: values.store.split(',').map((s) => s.trim()),
  duration: Number(values.duration),
  warmup: Number(values.warmup),
  connections: Number(values.connections),
  customers: Number(values.customers),
  cliRuns: Number(values['cli-runs']),
  events: Number(values.events),
  latencyEvents: Number(values['latency-events']),
  fixedFraction: Number(values['fixed-fraction']),
  soakSeconds: Number(values['soak-seconds']),
  only: scenarios,
};
const log = (m) => process.stderr.write(`${m}\n`);
const machine = { ...describeMachine(), load_generator: chooseGenerator(values.generator) };
log(
  `kgc-support benchmarks on ${machine.cpu}, ${machine.memory_gb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.load_avg}, closed-loop generator ${machine.load_generator}`,
);

const rows = [];
if (scenarios.some((s) => s === 'by-phone' || s === 'worklog-status'))
  rows.push(...(await pullApiScenarios(opts, log)));
if (scenarios.includes('by-phone-cache')) rows.push(...(await cacheScenario(opts, log)));
if (scenarios.includes('ingest')) rows.push(...(await ingestScenario(opts, log)));
if (scenarios.includes('dispatch')) rows.push(...(await dispatchScenario(opts, log)));
if (scenarios.includes('seed-publish')) rows.push(...(await seedPublishScenario(opts, log)));
if (scenarios.includes('cli')) {
  // `health --json` against a running daemon on a fresh embedded store, as cron would run it.
  const { startHealthTarget } = await import('./scenarios/health-target.js');
  const target = await startHealthTarget();
  try {
    rows.push(
      ...(await cliScenarios(opts, log, [
        {
          name: 'kgc-support health --json',
          args: [target.bin, 'health', '--json'],
          env: target.env,
          target: 300,
        },
      ])),
    );
  } finally {
    await target.stop();
  }
}
if (scenarios.includes('memory')) rows.push(...(await memoryScenario(opts, log)));

const result = { at: new Date().toISOString(), machine, options: opts, rows };
saveResults(fileURLToPath(new URL('./results/latest.json', import.meta.url)), result);
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  process.stdout.write(
    `\nMachine: ${machine.cpu}, ${machine.memory_gb} GB RAM, ${machine.kernel}, Node ${machine.node}, PostgreSQL ${machine.postgres}, closed-loop generator ${machine.load_generator}\n\n`,
  );
  printTable(rows);
}
