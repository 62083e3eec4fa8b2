#!/usr/bin/env node
// kgc-support: the compiled CLI lives in dist/ (npm ci builds it).
import { main } from '../dist/cli/main.js';

// `kgc-support … | head`: the reader went away; stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv);
