/**
 * The services of a franchise's stack, by name: the one list that render, up/down/status,
 * health, the help texts and the shell completion read. No imports, so that a command's
 * help can name them without loading the renderer.
 */

/** The services of the Support module, in start order; everything else is the ERP's. */
export const SUPPORT_SERVICES = [
  'chatwoot-postgres',
  'chatwoot-redis',
  'kgc-support-db',
  'kgc-support-redis',
  'kgc-support',
  'support-context',
  'support-chatbot',
  'chatwoot-web',
  'chatwoot-worker',
] as const;
export const ERP_SERVICES = ['kgc-api'] as const;
