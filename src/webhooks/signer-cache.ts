/**
 * The signer every delivery attempt uses, built from the valid webhook secrets and kept
 * until one of them expires (a rotation's grace period ends), a scheduled activation comes
 * (`--activate-at`: X-KGC-Signature switches) or the secrets change (the
 * `webhook_secrets` change notification, whoever rotated). Concurrent loads share one
 * query. docs/webhooks.md tells the rotation as Support sees it.
 */
import type { Ctx } from '../context/context.js';
import { ensureWebhookSecret, validWebhookSecrets } from './secrets.service.js';
import { createSigner, type Signer } from './signature.js';

export interface SignerCache {
  /** The signer for an attempt starting now: the cached one, or a reload when one of its secrets expired. */
  current(): Signer | Promise<Signer>;
  /** Reads the secrets again (they changed). */
  reload(): Promise<Signer>;
}

/** Stores SUPPORT_WEBHOOK_SECRET when the store has none yet, then loads the signer once. */
export async function openSignerCache(ctx: Ctx): Promise<SignerCache> {
  await ensureWebhookSecret(ctx, ctx.config.supportWebhookSecret);
  let cached: { value: Signer; nextExpiry: number | null } | undefined;
  let loading: Promise<Signer> | undefined;
  const reload = (): Promise<Signer> => {
    loading ??= validWebhookSecrets(ctx)
      .then((s) => {
        cached = { value: createSigner(s.secrets), nextExpiry: s.nextExpiry };
        return cached.value;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
  await reload();
  return {
    current: () =>
      cached && (cached.nextExpiry === null || cached.nextExpiry > ctx.clock.now())
        ? cached.value
        : reload(),
    reload,
  };
}
