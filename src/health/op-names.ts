/** The admin op that serves the health facts, by name: the CLI's `health` calls it without loading the op. */
export const HEALTH_FACTS_OP = 'health.facts';
