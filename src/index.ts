/**
 * What the kgc-support package exports for other programs: the receiver helper for
 * Support's developers, and the event catalogue. Importing this loads no database,
 * no HTTP server.
 *
 *   import { verifyWebhook } from 'kgc-support';
 *   const r = verifyWebhook(req.headers, rawBody, [process.env.SUPPORT_WEBHOOK_SECRET]);
 *   if (!r.ok) return res.status(401).end();
 */
export {
  verifyWebhook,
  createSigner,
  TOLERANCE_SECONDS,
  type HeaderSource,
  type VerifyOptions,
  type VerifyResult,
  type Signer,
} from './webhooks/signature.js';
export {
  EVENT_TYPES,
  PATH_NAMES,
  PAYLOADS,
  type EventType,
  type EventPayload,
  type EventEnvelope,
} from './events/catalogue.js';
