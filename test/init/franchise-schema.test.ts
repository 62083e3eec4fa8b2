/**
 * franchise.yaml's schema: the published JSON Schema is the TypeBox schema (a stale
 * file fails here: run `npm run schema`), and validation names every problem.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { franchiseJsonSchemaText, JSON_SCHEMA_FILE } from '../../src/franchise/json-schema.js';
import { parseFranchise } from '../../src/franchise/franchise.store.js';

const good = `
version: 1
id: budapest-1
name: "Kovács és Fia Kft. #2 $"
layout: profiles
support:
  enabled: true
  chatwoot_account_id: kgc-franchise-a
  knowledge_base_path: /opt/chatwoot/knowledge-bases/kgc-franchise-a/
ports: { erp_api: 3000, daemon: 3030, chatbot: 5001, context: 5004, chatwoot: 3080 }
`;

describe('franchise.yaml schema', () => {
  it('schemas/franchise.schema.json is up to date with the TypeBox schema (npm run schema)', () => {
    const committed = readFileSync(
      fileURLToPath(new URL(`../../${JSON_SCHEMA_FILE}`, import.meta.url)),
      'utf8',
    );
    expect(committed).toBe(franchiseJsonSchemaText());
  });

  it('describes every property for editors', () => {
    const schema = JSON.parse(franchiseJsonSchemaText()) as {
      properties: Record<string, { description?: string }>;
    };
    for (const [k, p] of Object.entries(schema.properties)) expect(p.description, k).toBeTruthy();
  });

  it("accepts the seed's franchise and names each problem of a bad one with its path", () => {
    expect(parseFranchise(good, 'f.yaml').name).toBe('Kovács és Fia Kft. #2 $');
    const bad = good
      .replace('layout: profiles', 'layout: sideways')
      .replace('chatbot: 5001', 'chatbot: 70000')
      .replace('version: 1', 'version: 1\ncolour: blue');
    expect(() => parseFranchise(bad, 'f.yaml')).toThrow(
      /layout[\s\S]*ports\.chatbot|ports\.chatbot[\s\S]*layout/,
    );
    expect(() => parseFranchise(bad, 'f.yaml')).toThrow(/colour/);
    expect(() => parseFranchise('id: [unclosed', 'f.yaml')).toThrow(/not valid YAML/);
  });
});
