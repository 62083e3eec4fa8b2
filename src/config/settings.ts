/**
 * The daemon's and the CLI's settings: one row each, with its environment variable,
 * its parser (which is also its validation) and its default. The `Config` type is
 * derived from this table, and `kgc-support config` and docs/configuration.md (npm run docs) list it.
 */
import { KgcError } from '../errors/kgc-error.js';
import { formatDuration, parseDuration, parseRate, type Rate } from './duration.js';
import { adminSocketPath, defaultDataDir, defaultFranchisesDir } from './paths.js';
import { parseThreshold, type Threshold, type ThresholdKind } from './threshold.js';

export interface Setting<T> {
  /** Environment variable that sets it. */
  readonly env: string;
  /** One line for --help, the manual page and docs/configuration.md. */
  readonly doc: string;
  /** Whether its value is a secret (never printed). */
  readonly secret?: boolean;
  /** Turns the raw text (or undefined when unset) into the value, or throws invalid_config. */
  readonly parse: (raw: string | undefined, env: NodeJS.ProcessEnv) => T;
  /** How the value reads back for people (`kgc-support config`); default String(value). */
  readonly show?: (value: T) => string;
}

const bad = (env: string, msg: string): KgcError =>
  new KgcError('invalid_config', `${env}: ${msg}`);

export const str = (
  env: string,
  doc: string,
  fallback: (e: NodeJS.ProcessEnv) => string,
): Setting<string> => ({
  env,
  doc,
  parse: (raw, e) => (raw === undefined || raw === '' ? fallback(e) : raw),
});

export const optUrl = (env: string, doc: string, secret = false): Setting<string | undefined> => ({
  env,
  doc,
  secret,
  parse: (raw) => {
    if (raw === undefined || raw === '') return undefined;
    try {
      const u = new URL(raw);
      if (!/^(https?|postgres|postgresql|redis|rediss|unix):$/.test(u.protocol))
        throw new Error('scheme');
    } catch {
      throw bad(env, 'is not a valid URL');
    }
    return raw.replace(/\/+$/, '');
  },
});

export const int = (
  env: string,
  doc: string,
  dflt: number,
  min: number,
  max: number,
): Setting<number> => ({
  env,
  doc,
  parse: (raw) => {
    if (raw === undefined || raw === '') return dflt;
    if (!/^\d+$/.test(raw.trim())) throw bad(env, `"${raw}" is not a whole number`);
    const n = Number(raw);
    if (n < min || n > max) throw bad(env, `${n} is outside ${min}..${max}`);
    return n;
  },
});

export const optBool = (env: string, doc: string): Setting<boolean | undefined> => ({
  env,
  doc,
  parse: (raw) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    throw bad(env, `"${raw}" is not true or false`);
  },
});

export const duration = (env: string, doc: string, dflt: string): Setting<number> => ({
  env,
  doc,
  parse: (raw) => parseDuration(raw === undefined || raw === '' ? dflt : raw, env),
  show: formatDuration,
});

export const oneOf = <T extends string>(
  env: string,
  doc: string,
  values: readonly T[],
  dflt: T,
): Setting<T> => ({
  env,
  doc,
  parse: (raw) => {
    if (raw === undefined || raw === '') return dflt;
    if (!(values as readonly string[]).includes(raw))
      throw bad(env, `"${raw}" is not one of ${values.join(', ')}`);
    return raw as T;
  },
});

/** A duration with a floor (an interval of 0 would spin). */
const durationMin = (env: string, doc: string, dflt: string, minMs: number): Setting<number> => ({
  env,
  doc,
  parse: (raw) => {
    const ms = parseDuration(raw === undefined || raw === '' ? dflt : raw, env);
    if (ms < minMs) throw bad(env, `at least ${minMs} ms`);
    return ms;
  },
});

/** WARN[,CRIT] of a health check (see threshold.ts). */
const threshold = (
  env: string,
  doc: string,
  kind: ThresholdKind,
  worse: Threshold['worse'],
  dflt: string,
): Setting<Threshold> => ({
  env,
  doc,
  parse: (raw) =>
    parseThreshold(raw === undefined || raw.trim() === '' ? dflt : raw, kind, worse, env),
});

const bytes = (env: string, doc: string, dflt: number): Setting<number> => ({
  env,
  doc,
  parse: (raw) => {
    if (raw === undefined || raw === '') return dflt;
    const m = /^\s*(\d+)\s*(b|kb|kib|mb|mib)?\s*$/i.exec(raw);
    if (!m) throw bad(env, `"${raw}" is not a size (examples: 65536, 64kb, 1mb)`);
    const unit = (m[2] ?? 'b').toLowerCase();
    const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
    return Number(m[1]) * mult;
  },
});

/** A retention period: at least an hour (a typo such as 30s would empty the history). */
const retention = (env: string, doc: string, dflt: string): Setting<number> => ({
  ...durationMin(env, doc, dflt, 3_600_000),
  show: formatDuration,
});

/** A token-bucket rate: 100/s, 6000/min, 100/s,burst=300. */
const rate = (env: string, doc: string, dflt: string): Setting<Rate> => ({
  env,
  doc,
  parse: (raw) => parseRate(raw === undefined || raw.trim() === '' ? dflt : raw, env),
  show: (r) => `${r.perSecond}/s,burst=${r.burst}`,
});

/** A secret that is not a URL (tokens, keys): never printed. */
const secretText = (env: string, doc: string): Setting<string | undefined> => ({
  env,
  doc,
  secret: true,
  parse: (raw) => (raw === undefined || raw === '' ? undefined : raw),
});

/**
 * Redis key patterns of one customer, "{id}" standing for the customer id. Each must
 * contain {id} with no wildcard or id character right next to it, so that a pattern
 * can never reach another customer's keys (C-12 must not match C-123's).
 */
const redisPatterns = (env: string, doc: string, dflt: string): Setting<readonly string[]> => ({
  env,
  doc,
  parse: (raw) => {
    const text = raw === undefined || raw.trim() === '' ? dflt : raw;
    const list = text
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (list.length === 0 || list.length > 20)
      throw bad(env, 'give 1 to 20 patterns, e.g. support:customer:{id}:*');
    for (const p of list) {
      const at = p.indexOf('{id}');
      if (at < 0 || p.indexOf('{id}', at + 1) >= 0)
        throw bad(env, `"${p}" must contain {id} exactly once`);
      const before = p.slice(0, at).slice(-1);
      const after = p.slice(at + 4, at + 5);
      if (/[A-Za-z0-9_*?[\]\\-]/.test(before) || /[A-Za-z0-9_*?[\]\\-]/.test(after)) {
        throw bad(
          env,
          `"${p}": put a separator such as ":" on both sides of {id}, or another customer's keys could match`,
        );
      }
    }
    return list;
  },
});

/** "0,5s,5m,30m": the delay before each attempt, the first one included. */
const durationList = (env: string, doc: string, dflt: string): Setting<readonly number[]> => ({
  env,
  doc,
  show: (v) => v.map((ms) => (ms === 0 ? '0' : formatDuration(ms))).join(','),
  parse: (raw) => {
    const text = raw === undefined || raw.trim() === '' ? dflt : raw;
    const list = text.split(',').map((part) => parseDuration(part.trim(), env));
    if (list.length < 1 || list.length > 20)
      throw bad(env, 'give 1 to 20 delays, e.g. 0,5s,5m,30m');
    return list;
  },
});

/**
 * The webhook path template, appended to SUPPORT_API_URL. Webhooks go to Support and
 * nowhere else, so the template can only name a path below that URL: no scheme, no
 * `//host`, no `..` segment, no backslash (a URL parser reads it as /), no encoded
 * dot or slash, no query or fragment, and no placeholder but {name} and {event}.
 */
const webhookPath = (env: string, doc: string, dflt: string): Setting<string> => ({
  env,
  doc,
  parse: (raw) => {
    const v = raw === undefined || raw === '' ? dflt : raw;
    const refuse = (why: string) =>
      bad(env, `"${v}" ${why}; give a path below SUPPORT_API_URL such as /webhook/kgc/{name}`);
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v) || v.includes('://'))
      throw refuse('holds a scheme (a URL, not a path)');
    if (!v.startsWith('/')) throw refuse('must start with /');
    if (v.includes('//')) throw refuse('holds "//" (read as another host)');
    if (v.includes('\\')) throw refuse('holds a backslash (read as /)');
    if (v.split('/').some((seg) => seg === '..' || seg === '.'))
      throw refuse('holds a "." or ".." segment');
    if (/%(2e|2f|5c)/i.test(v)) throw refuse('holds an encoded ".", "/" or "\\"');
    if (!/^[A-Za-z0-9._~!$&'()*+,;=:@%/{}-]*$/.test(v))
      throw refuse('holds a character not allowed in a path (space, ?, #, …)');
    const unknown = v.replaceAll('{name}', '').replaceAll('{event}', '');
    if (/[{}]/.test(unknown)) throw refuse('holds a placeholder other than {name} and {event}');
    return v;
  },
});

/** Where webhooks go: an http(s) base URL, without query or fragment (a path appended to those would not be a path). */
const supportUrl = (env: string, doc: string): Setting<string | undefined> => ({
  env,
  doc,
  parse: (raw, e) => {
    const v = optUrl(env, doc).parse(raw, e);
    if (v === undefined) return undefined;
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw bad(env, 'must be an http:// or https:// URL');
    if (u.search !== '' || u.hash !== '' || v.includes('?') || v.includes('#'))
      throw bad(env, 'must have no query (?) or fragment (#): webhook paths are appended to it');
    return v;
  },
});

export const SETTINGS = {
  dataDir: str(
    'KGC_SUPPORT_DATA_DIR',
    'Data directory: the embedded database, the lock, the admin socket',
    (e) => defaultDataDir(e),
  ),
  adminSocket: str(
    'KGC_SUPPORT_ADMIN_SOCKET',
    "The daemon's admin API socket (owner-only: the socket 0600 in a directory nobody else may write, one it creates 0700); unset: admin.sock in the data directory, or a private temp directory when that path is too long for a socket",
    (e) => adminSocketPath(e.KGC_SUPPORT_DATA_DIR || defaultDataDir(e)),
  ),
  databaseUrl: optUrl(
    'DATABASE_URL',
    'PostgreSQL for the daemon state; unset means the embedded PGlite store in the data directory',
    true,
  ),
  erpDatabaseUrl: optUrl(
    'ERP_DATABASE_URL',
    'PostgreSQL holding the ERP read contract (schema kgc_erp); unset means the daemon store',
    true,
  ),
  host: str('KGC_SUPPORT_HOST', 'Address the Pull API listens on', () => '127.0.0.1'),
  port: int('KGC_SUPPORT_PORT', 'Port the Pull API listens on', 3030, 0, 65535),
  logLevel: oneOf(
    'KGC_SUPPORT_LOG_LEVEL',
    'Log level',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    'info',
  ),
  logFormat: oneOf(
    'KGC_SUPPORT_LOG_FORMAT',
    'Log lines: json (one object per line, for log shippers), pretty (for a person), or auto: pretty when stdout is a terminal',
    ['auto', 'json', 'pretty'] as const,
    'auto',
  ),
  supportModuleEnabled: optBool(
    'SUPPORT_MODULE_ENABLED',
    'Switch the module on or off at a start where this value differs from the one applied at an earlier start; otherwise the stored switch (`kgc-support enable|disable` at runtime) decides, and a disagreement is logged and shown on /ready',
  ),
  supportApiUrl: supportUrl(
    'SUPPORT_API_URL',
    'The Kokó chatbot base URL (webhooks and its /health): http(s), no query or fragment',
  ),
  supportContextUrl: optUrl(
    'SUPPORT_CONTEXT_URL',
    'The Kokó context manager base URL (its /health)',
  ),
  inboundApiKey: secretText(
    'KGC_API_KEY',
    "The Kokó chatbot's key for this daemon (the installer renders it); imported at start for 90 days, hash only, scopes support:read and support:appointments",
  ),
  contextApiKey: secretText(
    'KGC_CONTEXT_API_KEY',
    "The Kokó context manager's key for this daemon (the installer renders it, the context manager gets it as KGC_API_KEY); imported at start for 90 days, hash only, scope support:read",
  ),
  publishApiKey: secretText(
    'KGC_SUPPORT_PUBLISH_KEY',
    "The ERP's key for POST /api/events (the installer generates it and gives it to the ERP as KGC_SUPPORT_API_KEY); imported at start for 90 days, hash only, scope erp:publish",
  ),
  gdprApiKey: secretText(
    'KGC_SUPPORT_GDPR_KEY',
    "The ERP's key for DELETE /api/customers/{id} and the access requests (the installer generates it and gives it to the ERP as KGC_SUPPORT_GDPR_API_KEY); imported at start for 90 days, hash only, scope erp:gdpr",
  ),
  bodyLimit: bytes('KGC_SUPPORT_BODY_LIMIT', 'Largest accepted request body', 64 * 1024),
  // Per-key rate limits (seed 10.1): a key's own rate (`keys create|update|import --rate-limit`)
  // wins; a key without one gets the most generous default of its scopes.
  rateLimit: rate(
    'KGC_SUPPORT_RATE_LIMIT',
    'Default rate limit of a key without its own, for support:read, support:appointments and admin: 100/s, 6000/min, 100/s,burst=300',
    '100/s',
  ),
  rateLimitPublish: rate(
    'KGC_SUPPORT_RATE_LIMIT_PUBLISH',
    "Default rate limit of an erp:publish key (the ERP's POST /api/events): the seed's 200 notifications/s with room for bursts",
    '500/s,burst=1000',
  ),
  rateLimitGdpr: rate(
    'KGC_SUPPORT_RATE_LIMIT_GDPR',
    "Default rate limit of an erp:gdpr key (the ERP's erasure and access requests)",
    '10/s,burst=20',
  ),
  auditFlushMs: int(
    'KGC_SUPPORT_AUDIT_FLUSH_MS',
    'Audit rows are written in batches at most this many milliseconds apart',
    200,
    10,
    10_000,
  ),
  pgPoolMax: int('KGC_SUPPORT_PG_POOL_MAX', 'Connections per PostgreSQL pool', 10, 1, 200),
  pgQueryTimeoutMs: duration(
    'KGC_SUPPORT_PG_QUERY_TIMEOUT',
    'Longest wait for one PostgreSQL statement (migrations excepted); past it the connection is dropped and the request answered 503 store_unavailable',
    '5s',
  ),
  pgConnectTimeoutMs: duration(
    'KGC_SUPPORT_PG_CONNECT_TIMEOUT',
    'Longest wait for a PostgreSQL connection, a new one or a free one of the pool',
    '5s',
  ),
  timezone: {
    env: 'KGC_SUPPORT_TIMEZONE',
    doc: 'Time zone of the franchise: dates, late days and appointment hours',
    parse: (raw: string | undefined): string => {
      const tz = raw === undefined || raw === '' ? 'Europe/Budapest' : raw;
      // The default needs no check; the first Intl call costs ~25 ms of ICU set-up, on every command.
      if (tz === 'Europe/Budapest') return tz;
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      } catch {
        throw bad('KGC_SUPPORT_TIMEZONE', `"${tz}" is not a time zone`);
      }
      return tz;
    },
  },
  // The GDPR erasure cascade (DESIGN.md 9): where the customer's traces live and how the steps retry.
  redisUrl: optUrl(
    'REDIS_URL',
    "Redis of the Support system (the customer cache keys the erasure removes) and of the Pull API's read cache; unset: the Redis step is skipped and answers are cached in the daemon's memory only",
    true,
  ),
  // The Pull API's read cache (seed 5.1, 13): on with REDIS_URL, invalidated by events, TTL as the safety net.
  readCache: oneOf(
    'KGC_SUPPORT_CACHE',
    "The Pull API's read cache: on (in the daemon's memory, and in Redis when REDIS_URL is set) or off",
    ['on', 'off'] as const,
    'on',
  ),
  cacheTtlMs: {
    env: 'KGC_SUPPORT_CACHE_TTL',
    doc: 'Longest life of a cached Pull API answer (events invalidate sooner; personal data is never kept longer), 1s..1h',
    parse: (raw: string | undefined): number => {
      const ms = parseDuration(
        raw === undefined || raw === '' ? '60s' : raw,
        'KGC_SUPPORT_CACHE_TTL',
      );
      if (ms < 1_000 || ms > 3_600_000) throw bad('KGC_SUPPORT_CACHE_TTL', 'between 1s and 1h');
      return ms;
    },
    show: formatDuration,
  },
  cacheMemoryEntries: int(
    'KGC_SUPPORT_CACHE_MEMORY',
    "Pull API answers the daemon keeps in its own memory (the read cache's first tier, in front of Redis); 0: none",
    10_000,
    0,
    1_000_000,
  ),
  cacheTimeoutMs: durationMin(
    'KGC_SUPPORT_CACHE_TIMEOUT',
    'Connect and command timeout of the read cache; past it a request is answered from the database',
    '250ms',
    10,
  ),
  cachePrefix: {
    env: 'KGC_SUPPORT_CACHE_PREFIX',
    doc: 'Key prefix of the read cache (one per franchise); unset: kgc-support:<KGC_SUPPORT_FRANCHISE or default>:cache',
    parse: (raw: string | undefined, e: NodeJS.ProcessEnv): string => {
      const v =
        raw === undefined || raw.trim() === ''
          ? `kgc-support:${e.KGC_SUPPORT_FRANCHISE?.trim() || 'default'}:cache`
          : raw.trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9:._-]{0,99}$/.test(v))
        throw bad('KGC_SUPPORT_CACHE_PREFIX', `"${v}": letters, digits, ":", ".", "_", "-" only`);
      return v;
    },
  },
  memoryRoot: str(
    'SUPPORT_MEMORY_ROOT',
    "Support memory root; a customer's memory is <root>/kgc-support/customers/<id>.json",
    () => '/opt/chatwoot/memory',
  ),
  chatwootUrl: optUrl(
    'CHATWOOT_URL',
    'Chatwoot base URL (application API); unset: the Chatwoot step is skipped',
  ),
  chatwootApiToken: secretText(
    'CHATWOOT_API_TOKEN',
    "Chatwoot api_access_token of an agent or admin of the franchise's account",
  ),
  chatwootAccountNumber: {
    env: 'CHATWOOT_ACCOUNT_NUMBER',
    doc: "Chatwoot's numeric account id of the franchise, the n in /app/accounts/<n>/ (required with CHATWOOT_URL: contacts of other accounts are never touched). Not CHATWOOT_ACCOUNT_ID, the seed's identifier (kgc-<id>) that the daemon never reads",
    parse: (raw: string | undefined): number | undefined =>
      raw === undefined || raw.trim() === ''
        ? undefined
        : int('CHATWOOT_ACCOUNT_NUMBER', '', 0, 1, 2_147_483_647).parse(raw, {}),
  },
  gdprRedisPatterns: redisPatterns(
    'KGC_GDPR_REDIS_PATTERNS',
    'Redis key patterns of one customer, comma-separated, {id} for the customer id',
    'support:customer:{id},support:customer:{id}:*,chat:{id},chat:{id}:*',
  ),
  gdprEraseMode: oneOf(
    'KGC_GDPR_ERASE_MODE',
    'ERP record on erasure: delete (with its rentals, worklogs, orders, appointments) or anonymise (keep the rows for invoice retention, remove name, phone, e-mail)',
    ['delete', 'anonymise'] as const,
    'delete',
  ),
  gdprReceiptKey: secretText(
    'KGC_GDPR_RECEIPT_KEY',
    "Key of the receipts' customer hash (HMAC-SHA256); unset: one is generated and kept in the store",
  ),
  gdprStepAttempts: int(
    'KGC_GDPR_STEP_ATTEMPTS',
    'Attempts of a failing erasure step within one run, before the request is left partial',
    3,
    1,
    20,
  ),
  gdprStepBackoffMs: duration(
    'KGC_GDPR_STEP_BACKOFF',
    "Delay before a step's second attempt; doubles each time, ±20 % jitter",
    '1s',
  ),
  gdprRetryEveryMs: duration(
    'KGC_GDPR_RETRY_INTERVAL',
    'The daemon resumes partial requests after this long (doubling per run, at most 6h)',
    '5m',
  ),
  gdprWebhookWaitMs: duration(
    'KGC_GDPR_WEBHOOK_WAIT',
    'How long one run waits for the customer.deleted webhook to be delivered',
    '30s',
  ),
  gdprHttpTimeoutMs: duration(
    'KGC_GDPR_HTTP_TIMEOUT',
    'Timeout of each Chatwoot request and of Redis commands during an erasure',
    '10s',
  ),
  supportWebhookSecret: secretText(
    'SUPPORT_WEBHOOK_SECRET',
    'Webhook signing secret shared with Support (.env); imported into the store when new, see `kgc-support secrets`',
  ),
  supportApiKey: secretText(
    'SUPPORT_API_KEY',
    "The ERP's key for calling Support (seed 3.1): when set, every webhook delivery carries it as X-API-Key",
  ),
  webhookSchedule: durationList(
    'KGC_SUPPORT_WEBHOOK_SCHEDULE',
    'Delay before each delivery attempt (first included); after the last failure the event is dead-lettered',
    '0,5s,5m,30m',
  ),
  webhookJitterPct: int(
    'KGC_SUPPORT_WEBHOOK_JITTER',
    'Random spread of each retry delay, in percent either way',
    20,
    0,
    50,
  ),
  webhookTimeoutMs: duration(
    'KGC_SUPPORT_WEBHOOK_TIMEOUT',
    'Per-attempt timeout of a webhook POST (connect to last byte)',
    '10s',
  ),
  webhookPath: webhookPath(
    'KGC_SUPPORT_WEBHOOK_PATH',
    'Webhook path under SUPPORT_API_URL; {name} is rental-started…, {event} is rental.started…',
    '/webhook/kgc/{name}',
  ),
  webhookConcurrency: int(
    'KGC_SUPPORT_WEBHOOK_CONCURRENCY',
    'Deliveries in flight at once per daemon',
    64,
    1,
    1024,
  ),
  webhookBatch: int(
    'KGC_SUPPORT_WEBHOOK_BATCH',
    'Events claimed per claim statement',
    100,
    1,
    1000,
  ),
  webhookLeaseMs: duration(
    'KGC_SUPPORT_WEBHOOK_LEASE',
    'How long a claimed event stays invisible to other daemons (must exceed the timeout)',
    '60s',
  ),
  webhookPollMs: duration(
    'KGC_SUPPORT_WEBHOOK_POLL',
    'Safety-net poll of the queue and the outbox when no notification arrives',
    '1s',
  ),
  webhookProbeMs: duration(
    'KGC_SUPPORT_WEBHOOK_PROBE_INTERVAL',
    'While Support is unreachable: how often its /health is probed',
    '5s',
  ),
  queue: oneOf(
    'KGC_SUPPORT_QUEUE',
    'Webhook delivery queue: postgres (the store claims work, no extra service) or bullmq (Redis at REDIS_URL carries the event ids; the store stays the record)',
    ['postgres', 'bullmq'] as const,
    'postgres',
  ),
  queuePrefix: str(
    'KGC_SUPPORT_QUEUE_PREFIX',
    'With KGC_SUPPORT_QUEUE=bullmq: the Redis key prefix of the queue (one per franchise sharing a Redis)',
    () => 'kgc-support',
  ),
  eventMaxAgeMs: {
    ...durationMin(
      'KGC_SUPPORT_EVENT_MAX_AGE',
      'An event older than this (by its occurred_at) is not delivered as if new: it is dead-lettered as expired (`dlq replay` sends it anyway)',
      '24h',
      1_000,
    ),
    show: formatDuration,
  },
  // Retention (storage limitation, GDPR art. 5(1)(e), and a small disk): how long each kind of
  // record is kept; the daemon's retention job deletes what is older (src/retention).
  eventRetentionMs: retention(
    'KGC_SUPPORT_EVENT_RETENTION',
    'Delivered and skipped events (payloads included) are deleted after this long, with their attempts',
    '30d',
  ),
  dlqRetentionMs: retention(
    'KGC_SUPPORT_DLQ_RETENTION',
    'Dead and rejected events (the DLQ) are deleted this long after they died, with their attempts',
    '30d',
  ),
  attemptRetentionMs: retention(
    'KGC_SUPPORT_ATTEMPT_RETENTION',
    "Delivery attempts (with Support's stored answers) are deleted after this long, whatever their event",
    '7d',
  ),
  auditRetentionMs: retention(
    'KGC_SUPPORT_AUDIT_RETENTION',
    'Audit log rows are deleted after this long',
    '180d',
  ),
  receiptRetentionMs: retention(
    'KGC_GDPR_RECEIPT_RETENTION',
    'Completed erasure requests and their receipts are deleted this long after they completed (open or failed ones stay)',
    '1825d',
  ),
  replyRetentionMs: retention(
    'KGC_SUPPORT_REPLY_RETENTION',
    'Booking replies kept for Idempotency-Key replays are deleted after this long',
    '24h',
  ),
  retentionIntervalMs: durationMin(
    'KGC_SUPPORT_RETENTION_INTERVAL',
    'How often the daemon deletes what is past its retention',
    '1h',
    1_000,
  ),
  // Health (seed 3.2, 13): the daemon's periodic check of Support, and what `kgc-support health` calls a warning.
  healthIntervalMs: durationMin(
    'KGC_SUPPORT_HEALTH_INTERVAL',
    'How often the daemon checks Support (chatbot, context manager, Chatwoot); seed 3.2 says every 5 minutes',
    '5m',
    100,
  ),
  healthTimeoutMs: durationMin(
    'KGC_SUPPORT_HEALTH_TIMEOUT',
    'Timeout of one health check, in the daemon and in `kgc-support health` (--timeout)',
    '5s',
    10,
  ),
  healthDlq: threshold(
    'KGC_SUPPORT_HEALTH_DLQ',
    'health: DLQ depth (dead and rejected events) that warns[,is critical]; off to ignore',
    'count',
    'above',
    '1,100',
  ),
  healthPendingAge: threshold(
    'KGC_SUPPORT_HEALTH_PENDING_AGE',
    'health: age of the oldest undelivered event that warns[,is critical]',
    'duration',
    'above',
    '15m,1h',
  ),
  healthKeyExpiry: threshold(
    'KGC_SUPPORT_HEALTH_KEY_EXPIRY',
    'health: an active API key expiring within this warns[,within this is critical]',
    'duration',
    'below',
    '14d,3d',
  ),
  healthSecretAge: threshold(
    'KGC_SUPPORT_HEALTH_SECRET_AGE',
    'health: age of the current webhook secret that warns[,is critical] (rotate it: kgc-support secrets rotate-webhook)',
    'duration',
    'above',
    '180d',
  ),
  shutdownTimeoutMs: duration(
    'KGC_SUPPORT_SHUTDOWN_TIMEOUT',
    'How long SIGTERM waits for in-flight requests',
    '10s',
  ),
  franchisesDir: str(
    'KGC_SUPPORT_FRANCHISES_DIR',
    'The directory holding one <id>/franchise.yaml per franchise: /var/lib/kgc-support/franchises for root, else $XDG_DATA_HOME/kgc-support/franchises',
    (e) => defaultFranchisesDir(e),
  ),
  composeCommand: str(
    'KGC_SUPPORT_COMPOSE',
    'Installer: the compose command ("docker compose", "docker-compose" or a path); unset means detect, v2 first',
    () => '',
  ),
} as const;

export type Settings = typeof SETTINGS;
export type Config = { readonly [K in keyof Settings]: ReturnType<Settings[K]['parse']> };
export type ConfigKey = keyof Settings;
