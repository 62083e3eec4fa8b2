#!/usr/bin/env node
// Writes schemas/franchise.schema.json from the TypeBox schema (run: npm run schema).
// test/render/json-schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { franchiseJsonSchemaText, JSON_SCHEMA_FILE } from '../dist/franchise/json-schema.js';

const target = fileURLToPath(new URL(`../${JSON_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, franchiseJsonSchemaText());
process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
