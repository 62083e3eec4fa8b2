#!/usr/bin/env node
// Writes the manual page and the completion scripts under dist/ from the built command
// tree (run by `npm run build`, after tsc). test/e2e/package.test.ts compares the packed
// files with a fresh generation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordingIO } from '../dist/cli/io.js';
import { buildProgram } from '../dist/cli/main.js';
import { referenceFiles } from '../dist/cli/reference/files.js';
import { VERSION } from '../dist/version.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
for (const [path, text] of Object.entries(referenceFiles(buildProgram(recordingIO()), VERSION))) {
  const target = `${dist}${path}`;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
