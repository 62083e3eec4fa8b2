/**
 * The published JSON Schema of franchise.yaml (schemas/franchise.schema.json), made
 * from the TypeBox schema. `npm run schema` writes it; a test fails when it is stale.
 */
import { FranchiseSchema } from './franchise.schema.js';

export const JSON_SCHEMA_FILE = 'schemas/franchise.schema.json';
export const JSON_SCHEMA_ID = 'https://kgc.hu/schemas/kgc-support/franchise.schema.json';

export function franchiseJsonSchemaText(): string {
  // TypeBox keeps its own markers under symbol keys, which JSON.stringify leaves out.
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: JSON_SCHEMA_ID,
    ...FranchiseSchema,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
