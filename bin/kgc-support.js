#!/usr/bin/env node
// kgc-support: the compiled CLI lives in dist/ (npm ci builds it).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
