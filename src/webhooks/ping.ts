/**
 * `kgc-support webhook test`: one signed `ping` to Support right now, outside the
 * queue, to check the URL and that both sides hold the same secret. It goes where
 * webhooks go (SUPPORT_API_URL + the path template) and nowhere else: no URL of the
 * caller's choosing, so the daemon cannot be made to send signed requests elsewhere.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import { envelopeBody, webhookUrl } from '../events/catalogue.js';
import { ensureWebhookSecret, validWebhookSecrets } from './secrets.service.js';
import { createSender } from './sender.js';
import { createSigner } from './signature.js';
import { deliveryHeaders } from './headers.js';

export const PingInput = Type.Object({}, { additionalProperties: false });

export const PingResult = Type.Object({
  ok: Type.Boolean(),
  url: Type.String(),
  event_id: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  duration_ms: Type.Number(),
  response: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  signatures: Type.Integer({ description: 'How many secrets signed webhook-signature' }),
});
export type PingResult = Static<typeof PingResult>;

export async function sendPing(ctx: Ctx, _input: Static<typeof PingInput>): Promise<PingResult> {
  const base = ctx.config.supportApiUrl;
  if (!base)
    throw new KgcError(
      'support_url_missing',
      'SUPPORT_API_URL is not set: webhook test sends where webhooks go',
    );
  const url = webhookUrl(base, ctx.config.webhookPath, 'ping');
  await ensureWebhookSecret(ctx, ctx.config.supportWebhookSecret);
  const { secrets } = await validWebhookSecrets(ctx);
  const now = ctx.clock.now();
  const id = `ping_${ctx.random.bytes(8).toString('hex')}`;
  const body = envelopeBody({
    id,
    type: 'ping',
    occurredAt: new Date(now),
    data: { message: 'kgc-support webhook test' },
  });
  const sender = createSender({
    connections: 1,
    timeoutMs: ctx.config.webhookTimeoutMs,
    now: () => ctx.clock.now(),
  });
  try {
    const res = await sender.post(
      url,
      deliveryHeaders({
        supportApiKey: ctx.config.supportApiKey,
        signer: createSigner(secrets),
        id,
        body,
        timestampSec: Math.floor(now / 1000),
      }),
      body,
    );
    const ok = res.status !== null && res.status >= 200 && res.status < 300;
    return {
      ok,
      url,
      event_id: id,
      status: res.status,
      duration_ms: Math.round(res.durationMs * 10) / 10,
      response: res.response,
      error: res.error,
      signatures: secrets.length,
    };
  } finally {
    await sender.close();
  }
}
