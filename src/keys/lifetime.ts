/**
 * The seed's rotation period (8.1): a key's lifetime unless it is given one. No imports:
 * `health` reads it (through the installer's keys) and must not load the schema library.
 */
export const DEFAULT_KEY_LIFETIME = '90d';
