/**
 * The headers of one delivery attempt: the signatures (signature.ts); X-API-Key with
 * SUPPORT_API_KEY when it is set (the seed's ERP calls Support with it, 3.1); and,
 * for events, the attempt's W3C `traceparent` (continuing the event's trace,
 * src/events/trace.ts) and `X-Request-Id`, the request id of the ERP call that
 * published the event (absent for outbox events).
 */
import type { Signer } from './signature.js';

export interface AttemptHeaders {
  supportApiKey: string | undefined;
  signer: Signer;
  id: string;
  body: string;
  timestampSec: number;
  traceparent?: string;
  requestId?: string | null;
}

export function deliveryHeaders(a: AttemptHeaders): Record<string, string> {
  const h = a.signer.headers(a.id, a.body, a.timestampSec);
  if (a.supportApiKey) h['x-api-key'] = a.supportApiKey;
  if (a.traceparent) h.traceparent = a.traceparent;
  if (a.requestId) h['x-request-id'] = a.requestId;
  return h;
}
