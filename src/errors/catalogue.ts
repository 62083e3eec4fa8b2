/**
 * The one catalogue of errors. Every error the tool reports, over HTTP or on the
 * command line, has a stable `code` from here: its HTTP status, its CLI exit code
 * and a suggestion a person can act on. Codes never change meaning once released.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly exit: number;
  readonly title: string;
  readonly hint?: string;
}

const spec = (status: number, exit: number, title: string, hint?: string): ErrorSpec =>
  hint === undefined ? { status, exit, title } : { status, exit, title, hint };

export const CATALOGUE = {
  // 400: the request or the command line is wrong; nothing was changed.
  bad_request: spec(400, 2, 'Bad request'),
  invalid_json: spec(
    400,
    2,
    'Malformed JSON body',
    'Send a valid JSON document with Content-Type: application/json.',
  ),
  invalid_phone: spec(
    400,
    2,
    'Invalid phone number',
    'Use a Hungarian number such as +36301234567, 06 30 123 4567 or 36301234567.',
  ),
  invalid_id: spec(400, 2, 'Invalid identifier'),
  invalid_slot: spec(400, 2, 'Invalid appointment slot'),
  unknown_field: spec(
    400,
    2,
    'Unknown field in the request body',
    'Remove or correct the fields named in unknown_fields; /openapi.json lists the accepted ones.',
  ),
  invalid_idempotency_key: spec(
    400,
    2,
    'Invalid Idempotency-Key',
    'Use 1 to 255 printable ASCII characters, such as a UUID.',
  ),
  invalid_duration: spec(
    400,
    2,
    'Invalid duration',
    'Use a number with a unit: 30s, 15m, 24h, 14d.',
  ),
  invalid_scope: spec(
    400,
    2,
    'Unknown scope',
    'Scopes: support:read, support:appointments, erp:publish, erp:gdpr, admin.',
  ),
  invalid_config: spec(400, 2, 'Invalid configuration'),
  usage: spec(400, 2, 'Invalid usage', 'Run the command with --help for its options and examples.'),
  unknown_event_type: spec(
    400,
    2,
    'Unknown event type',
    'Types: rental.started, rental.ended, service.quote_ready, service.repair_done, order.arrived, customer.deleted.',
  ),
  invalid_event: spec(
    400,
    2,
    'Invalid event payload',
    'Each event type has a closed schema: see "Publishing" in docs/webhooks.md.',
  ),
  invalid_webhook_secret: spec(
    400,
    2,
    'Invalid webhook secret',
    'Use whsec_ + base64 of 24 to 64 random bytes, or 24 to 64 characters; let kgc-support generate one.',
  ),
  confirmation_required: spec(
    400,
    2,
    'Confirmation required',
    'Pass --yes to confirm without a prompt.',
  ),
  // 401 / 403: who is asking.
  missing_api_key: spec(
    401,
    1,
    'API key required',
    'Send Authorization: Bearer <key> or X-API-Key: <key>.',
  ),
  malformed_api_key: spec(
    401,
    1,
    'Malformed API key',
    'The key is not a kgc_ key or its checksum is wrong: check for a typo or a truncated copy.',
  ),
  invalid_api_key: spec(401, 1, 'Invalid API key'),
  api_key_revoked: spec(
    401,
    1,
    'API key revoked',
    'Ask the franchise admin for a new key: kgc-support keys create.',
  ),
  api_key_expired: spec(
    401,
    1,
    'API key expired',
    'Ask the franchise admin for a new key: kgc-support keys create.',
  ),
  insufficient_scope: spec(403, 1, 'API key lacks the required scope'),
  // The admin page (/admin).
  admin_login_failed: spec(
    401,
    1,
    'Wrong admin user or password',
    'Set a new password with: kgc-support admin password (it is printed once).',
  ),
  admin_session_required: spec(401, 1, 'Admin login required', 'Log in again at /admin.'),
  csrf_refused: spec(
    403,
    1,
    'Cross-site request refused',
    'Use the admin page itself; requests need its CSRF token and its own Origin.',
  ),
  // 404 / 409 / 413 / 429.
  not_found: spec(404, 1, 'Not found'),
  customer_not_found: spec(404, 1, 'Customer not found'),
  rental_not_found: spec(404, 1, 'Rental not found'),
  worklog_not_found: spec(404, 1, 'Worklog not found'),
  order_not_found: spec(404, 1, 'Order not found'),
  sku_not_found: spec(404, 1, 'Product not found'),
  location_not_found: spec(404, 1, 'Location not found'),
  appointment_not_found: spec(404, 1, 'Appointment not found'),
  key_not_found: spec(404, 1, 'API key not found', 'List keys with: kgc-support keys list.'),
  event_not_found: spec(
    404,
    1,
    'Event not found',
    'List dead-lettered events with: kgc-support dlq list.',
  ),
  event_id_conflict: spec(
    409,
    1,
    'Event id already used for another event',
    'Give every event its own id; a retry must send the same type and data.',
  ),
  phone_ambiguous: spec(
    409,
    1,
    'Several customers share this phone number',
    'Identify the customer by another detail; see /api/customers/duplicates.',
  ),
  slot_taken: spec(409, 1, 'Appointment slot already booked'),
  key_not_active: spec(409, 1, 'API key is not active'),
  key_already_rotated: spec(409, 1, 'API key already rotated'),
  idempotency_key_reused: spec(
    422,
    1,
    'Idempotency-Key reused with a different request',
    'Use a new Idempotency-Key for a different request.',
  ),
  payload_too_large: spec(413, 1, 'Request body too large'),
  unsupported_media_type: spec(
    415,
    2,
    'Unsupported media type',
    'Send Content-Type: application/json.',
  ),
  rate_limited: spec(
    429,
    1,
    'Too many requests',
    'Slow down; retry after the number of seconds in Retry-After.',
  ),
  // The GDPR erasure cascade.
  invalid_customer_id: spec(
    400,
    2,
    'Invalid customer id',
    'A customer id is 1 to 64 letters, digits, "-" or "_", starting with a letter or digit (e.g. C-123); it is checked before it becomes a file name, a Redis pattern or a URL.',
  ),
  invalid_reason: spec(
    400,
    2,
    'Invalid erasure reason',
    'Use a lower-case code: user_request, retention_expired, legal_obligation …',
  ),
  gdpr_request_not_found: spec(
    404,
    1,
    'Erasure request not found',
    'List requests with: kgc-support gdpr status.',
  ),
  gdpr_request_busy: spec(
    409,
    1,
    'Erasure request is being run',
    'Another process is running it now; look again with kgc-support gdpr status <id>.',
  ),
  erp_not_empty: spec(
    409,
    1,
    "ERP database holds data other than the demo's",
    'The demo data would overwrite or mix with real rows: point ERP_DATABASE_URL (or DATABASE_URL) at an empty database, or pass --force (it asks first; --yes without a terminal) to load it anyway.',
  ),
  // 5xx / environment.
  internal: spec(500, 1, 'Internal error', 'The daemon log has the details, under the request id.'),
  store_locked: spec(
    503,
    1,
    'Data directory in use',
    'Stop the other process, or point this one at another --data-dir.',
  ),
  store_unavailable: spec(
    503,
    1,
    'Database unavailable',
    'Check DATABASE_URL and that PostgreSQL is running.',
  ),
  storage_full: spec(
    507,
    1,
    'Database disk full',
    'Nothing was stored. Free space on the disk of the data directory (or of PostgreSQL); the daemon resumes by itself, then retry.',
  ),
  store_too_new: spec(
    500,
    1,
    'Database written by a newer version',
    'Run the kgc-support version that migrated this database, or restore the backup taken before the upgrade (kgc-support backup list); migrations never run backwards.',
  ),
  migration_changed: spec(
    500,
    1,
    "Database schema differs from this version's migrations",
    "Reinstall this version's package unmodified; if the database was migrated by a build of another version, run that version or restore a backup it took.",
  ),
  daemon_unreachable: spec(503, 1, 'Daemon not reachable'),
  support_module_disabled: spec(
    503,
    1,
    'Support module disabled',
    'Enable it with: kgc-support enable.',
  ),
  capability_disabled: spec(
    503,
    1,
    'Capability switched off',
    'Switch it on with: kgc-support enable <capability> (e.g. kgc-support enable booking).',
  ),
  not_ready: spec(503, 1, 'Not ready'),
  // The installer (init, render, up, down, status, logs, doctor).
  permission_denied: spec(
    403,
    1,
    'Permission denied',
    'Run the command as root (sudo kgc-support …) or as the user that owns the franchise files and the data directory.',
  ),
  franchise_not_found: spec(
    404,
    1,
    'Franchise not found',
    'Create it with: kgc-support init --franchise <id> (or point --dir / KGC_SUPPORT_FRANCHISES_DIR at the right directory).',
  ),
  franchise_ambiguous: spec(
    400,
    2,
    'Which franchise?',
    'Pass --franchise <id> (or env KGC_SUPPORT_FRANCHISE), or --data-dir for a local store.',
  ),
  franchise_exists: spec(
    409,
    1,
    'Franchise already initialised',
    'Edit its franchise.yaml and run kgc-support render, or pass --force to write it again (its secrets are kept).',
  ),
  port_clash: spec(
    409,
    1,
    'Port already taken',
    'Choose another port in franchise.yaml (ports:) or with the init --*-port flags, then run kgc-support render.',
  ),
  unportable_value: spec(
    400,
    2,
    'Value cannot be written to a .env file',
    'Docker Compose v1 and v2 read .env files differently: avoid "${", and a "$" together with a quote, a backslash or a line break.',
  ),
  erp_database_missing: spec(
    400,
    1,
    'ERP database not given',
    "Give the ERP's PostgreSQL as the daemon's container reaches it (not localhost): kgc-support init --force --erp-database-url postgres://<role>:<password>@<host>:5432/<db>, or the ERP_DATABASE_URL line of secrets.env; then kgc-support render.",
  ),
  render_stale: spec(
    409,
    1,
    'Rendered files missing or out of date',
    'Run: kgc-support render --franchise <id> (kgc-support render --diff shows what changes).',
  ),
  docker_unreachable: spec(
    503,
    1,
    'Docker engine not reachable',
    'Start it (systemctl start docker) and check that this user may use it (group docker, or DOCKER_HOST).',
  ),
  compose_missing: spec(
    503,
    1,
    'Docker Compose not found',
    'Install the compose plugin (docker compose) or docker-compose, or set KGC_SUPPORT_COMPOSE to its command.',
  ),
  compose_failed: spec(
    500,
    1,
    'Docker Compose failed',
    'Its output above says why; kgc-support doctor checks the usual causes.',
  ),
  rotation_unconfirmed: spec(
    502,
    1,
    'New value not confirmed',
    'The recreated container does not use the new value (or its probe was refused); the rotation rolls back.',
  ),
  rotation_rolled_back: spec(
    503,
    1,
    'Rotation rolled back',
    'The consumer did not come back with the new value: it runs with the old one again, valid as before. The reason is above; kgc-support logs --franchise <id> --service <name> shows more.',
  ),
  rotation_failed: spec(
    500,
    1,
    'Rotation and its rollback failed',
    'The old value stays valid for the grace period: fix the cause named above and run the command again before it ends.',
  ),
  support_unhealthy: spec(
    503,
    1,
    'Support services not healthy',
    'The log lines above say why; more with: kgc-support logs --service <name>.',
  ),
  image_missing: spec(
    503,
    1,
    'Image not present',
    "Load each image named above (docker load -i <file>.tar), build the daemon's with scripts/build-image.sh, or choose another in franchise.yaml (images:) and run kgc-support render.",
  ),
  target_running: spec(
    409,
    1,
    'Target is running',
    'Stop what uses the state first (kgc-support down --franchise <id> --service kgc-support, or stop the local daemon), then restore.',
  ),
  upgrade_backwards: spec(
    409,
    1,
    'Upgrade would go backwards',
    'The image franchise.yaml names is older than the one the daemon runs: nothing was changed. Install the newer release, or return to an older version by restoring a backup (docs/installation.md).',
  ),
  upgrade_rolled_back: spec(
    503,
    1,
    'Upgrade rolled back',
    'The new version did not become ready: the previous one runs again with the state of the backup taken first. The reason is above; kgc-support logs --franchise <id> --service kgc-support shows more.',
  ),
  upgrade_failed: spec(
    500,
    1,
    'Upgrade and its rollback failed',
    'Restore the backup named above by hand: kgc-support down --service kgc-support, kgc-support restore <file> --yes, then put the previous image back in franchise.yaml, render and up (docs/installation.md).',
  ),
  support_disabled: spec(
    409,
    1,
    'Support is switched off for this franchise',
    'Set support.enabled: true in franchise.yaml, run kgc-support render, then up.',
  ),
  interrupted: spec(499, 130, 'Interrupted'),
  support_url_missing: spec(
    503,
    1,
    'SUPPORT_API_URL is not set',
    'Set SUPPORT_API_URL (the Kokó chatbot base URL) in the environment or .env.',
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof CATALOGUE;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, code);
}
