/**
 * What each error code means, in a sentence for the admin who meets it: the "meaning"
 * column of docs/errors.md, which `npm run docs` writes from this table and the catalogue
 * (its HTTP status, exit code and hint). A code added to the catalogue gets its line here;
 * test/unit/docs.test.ts fails while one is missing.
 */
import type { ErrorCode } from './catalogue.js';

export const MEANINGS: Partial<Record<ErrorCode, string>> = {
  bad_request:
    'the request or the command line is malformed (a field, a path or query value, a NUL character)',
  invalid_json: 'the request body is not valid JSON',
  invalid_phone: 'not a Hungarian phone number in any notation the API reads',
  invalid_id: 'an id in the path does not match its pattern',
  invalid_slot:
    'the appointment slot is in the past, on a closed day, outside opening hours or not aligned to the slot length',
  unknown_field:
    'the body holds a field the route does not know (a misspelt booking field); each is named in `unknown_fields`, nothing was changed',
  invalid_idempotency_key: 'the `Idempotency-Key` header is empty, too long or not printable ASCII',
  invalid_duration: 'a duration (flag or setting) is not a number with a unit',
  invalid_scope: '`keys create` / `keys import` got an unknown scope, or none',
  invalid_config:
    'a setting (environment, `.env`, franchise.yaml) does not match its schema; the message names it',
  usage: 'the command line is wrong: a missing or conflicting flag',
  unknown_event_type: 'an event type outside the six documented ones',
  invalid_event: "the event data does not match its type's closed schema",
  invalid_webhook_secret: 'a webhook secret given by hand is too short, too long or badly encoded',
  confirmation_required: 'a destructive command without a terminal to ask on and without `--yes`',
  missing_api_key: 'no key in `Authorization: Bearer` or `X-API-Key`',
  malformed_api_key:
    'the key is not a `kgc_` key or its checksum is wrong (a typo, a truncated copy)',
  invalid_api_key: 'well-formed, but no such key',
  api_key_revoked: 'the key was revoked (`keys revoke`)',
  api_key_expired: 'the key is past its expiry (or its rotation grace period)',
  insufficient_scope: 'the key lacks the scope the route needs (named in `required_scope`)',
  admin_login_failed:
    'the admin page refused the user or password (set one with `kgc-support admin password`)',
  admin_session_required:
    "the admin page's session is missing, expired, or ended by a password reset: log in again",
  csrf_refused:
    'an admin page request without its CSRF token or from another origin (a cross-site request)',
  not_found: 'no such route or resource',
  customer_not_found: 'no ERP customer with that phone number or id',
  rental_not_found: 'no such rental',
  worklog_not_found: 'no such repair worklog',
  order_not_found: 'no such order',
  sku_not_found: 'no product with that SKU',
  location_not_found: 'no location with that id or city',
  appointment_not_found: 'no appointment with that id (`GET /api/service/appointments/{id}`)',
  key_not_found: 'no API key with that id',
  event_not_found: 'no event with that id (or not dead-lettered, for `dlq`)',
  event_id_conflict: 'an event id already used for an event of another type or data',
  phone_ambiguous: 'several customers share the number (their ids are in `customer_ids`)',
  slot_taken: 'the appointment slot is already booked',
  key_not_active: 'the key is revoked or expired, so it cannot be rotated (create a new one)',
  key_already_rotated: 'the key already has a successor',
  idempotency_key_reused: 'the same `Idempotency-Key` with a different request',
  payload_too_large: 'the body is over `KGC_SUPPORT_BODY_LIMIT` (64 KiB)',
  unsupported_media_type: 'the body is not `application/json`',
  rate_limited: "the key's rate limit is exceeded; see `Retry-After`",
  invalid_customer_id:
    'a customer id to erase has the wrong shape (checked before it is used anywhere)',
  invalid_reason: 'the erasure reason is not a lower-case code',
  gdpr_request_not_found: 'no erasure request with that id',
  gdpr_request_busy: 'another process is running this erasure request now',
  erp_not_empty: '`demo seed` would mix with real ERP rows (`--force` to load anyway)',
  internal: 'a bug or an unexpected failure; the daemon log has it under the request id',
  store_locked: 'another process holds the embedded data directory',
  store_unavailable:
    'the database cannot be reached (an outage, a dropped connection, a daemon still waiting for it at start); `Retry-After` says when to try again, the daemon reconnects by itself',
  storage_full:
    "the database's disk is full (PGlite ENOSPC, PostgreSQL `53100`): nothing was stored; `/ready` fails until space returns, then the daemon resumes by itself",
  store_too_new:
    'the database holds migrations this version does not know (a newer kgc-support migrated it): the daemon refuses to start rather than run an older code on a newer schema',
  migration_changed:
    "an applied migration differs from this version's file of the same number: the daemon refuses to start on a schema it was not written for",
  daemon_unreachable: 'a daemon holds the data directory but does not answer on its admin socket',
  support_module_disabled: 'the Support module is switched off (`kgc-support enable`)',
  capability_disabled:
    'one capability is switched off alone, e.g. booking (`kgc-support enable booking`); the rest of the API answers',
  not_ready:
    "something the command needs is not running yet (e.g. the franchise's database container, for `backup`)",
  franchise_not_found: 'no franchise with that id in the franchises directory',
  permission_denied:
    'a file or directory exists (franchise.yaml, secrets.env, a rendered file, the franchises directory, the data directory) but this user may not read it: run the command as root (sudo) or as its owner. Never reported as missing',
  franchise_ambiguous: 'several franchises (or none) and no `--franchise`',
  franchise_exists:
    '`init` on a franchise that already has its files (`--force` rewrites, keeping secrets)',
  port_clash: 'a port in franchise.yaml is taken by another franchise or process',
  unportable_value: 'a value that Compose v1 and v2 would read differently from a `.env` file',
  erp_database_missing: 'the franchise has no ERP database URL, so render refuses',
  render_stale: 'the rendered compose and `.env` files are missing or older than franchise.yaml',
  docker_unreachable: 'the Docker engine does not answer (not running, or no permission)',
  compose_missing: 'neither `docker compose` nor `docker-compose` is found',
  compose_failed: 'Docker Compose exited with an error; its output says why',
  support_unhealthy: 'a Support service did not become healthy in time',
  rotation_unconfirmed:
    'a key rotation could not confirm that the recreated consumer uses the new value (its environment, or its probe in the audit log); the rotation rolls back',
  rotation_rolled_back:
    '`keys rotate <key> --franchise`: the consumer did not come back with the new key; it runs with the old one again, valid as before',
  rotation_failed:
    'a rotation and its rollback both failed; the old key stays valid for the grace period: fix the cause and run the command again',
  image_missing: 'an image is neither on the engine nor pullable',
  target_running: 'restore while the daemon (or its container) uses the state',
  upgrade_backwards:
    '`upgrade` to an image older than the one the daemon runs (semver of the version label); nothing changed',
  upgrade_rolled_back:
    '`upgrade`: the new version failed (render, health or readiness); the previous one runs again on the backup taken first',
  upgrade_failed:
    '`upgrade`: the new version failed and so did the rollback; the message names the backup to restore by hand',
  support_disabled: '`up` for a franchise whose franchise.yaml has `support.enabled: false`',
  interrupted: 'Ctrl-C; nothing is written',
  support_url_missing: '`SUPPORT_API_URL` is not set, so there is no Support to send to or test',
};
