/**
 * The headers of one delivery attempt: the signatures (signature.ts), and X-API-Key
 * with SUPPORT_API_KEY when it is set (the seed's ERP calls Support with it, 3.1).
 */
import type { Signer } from './signature.js';

export function deliveryHeaders(
  supportApiKey: string | undefined,
  signer: Signer,
  id: string,
  body: string,
  timestampSec: number,
): Record<string, string> {
  const h = signer.headers(id, body, timestampSec);
  if (supportApiKey) h['x-api-key'] = supportApiKey;
  return h;
}
