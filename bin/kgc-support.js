#!/usr/bin/env node
// kgc-support: the compiled CLI lives in dist/ (npm ci builds it).
import { builtHelpPages, fastHelp } from '../dist/cli/help-fast.js';

// `kgc-support … | head`: the reader went away; stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// `[command…] --help`: the page written at build time, without loading the command tree.
const help = fastHelp(process.argv.slice(2), process.stdout, builtHelpPages);
if (help !== undefined) process.stdout.write(help);
else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv);
}
