/**
 * The receipt proves an erasure without keeping the data: the customer appears only
 * as their keyed hash (src/privacy/customer-hash.ts), never by name or phone.
 */
import { type ReceiptKey } from '../privacy/customer-hash.js';
import type { Receipt, RequestView } from './gdpr.schema.js';

export function toReceipt(view: RequestView, hashKeyId: ReceiptKey['id']): Receipt {
  return {
    receipt_version: 1,
    request_id: view.request_id,
    state: view.state,
    reason: view.reason,
    source: view.source,
    erase_mode: view.erase_mode,
    customer: { hash: `hmac-sha256:${view.customer_hash}`, key_id: hashKeyId },
    trigger_event_id: view.trigger_event_id,
    requested_by: view.requested_by,
    received_at: view.received_at,
    started_at: view.started_at,
    finished_at: view.finished_at,
    steps: view.steps.map((s) => ({
      step: s.step,
      position: s.position,
      outcome: s.state,
      verified: s.verified,
      counts: s.counts,
      detail: s.detail,
      attempts: s.attempts,
      started_at: s.started_at,
      finished_at: s.finished_at,
    })),
  };
}
