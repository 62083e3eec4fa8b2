import { defineOp } from '../ops/op.js';
import { HealthFacts, HealthFactsInput } from './health.schema.js';
import { readHealthFacts } from './facts.service.js';
import { HEALTH_FACTS_OP } from './op-names.js';

export const healthFacts = defineOp({
  name: HEALTH_FACTS_OP,
  summary:
    'What the store knows for `health`: queue, DLQ, expiring keys, webhook secret age, module switch',
  mutates: false,
  input: HealthFactsInput,
  output: HealthFacts,
  run: readHealthFacts,
});

export const HEALTH_OPS = [healthFacts];
