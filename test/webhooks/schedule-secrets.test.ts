/**
 * The retry decision (pure), and the webhook secret's lifecycle in the store on both
 * engines: SUPPORT_WEBHOOK_SECRET imported once, a rotation never undone by an
 * unchanged .env, a changed .env taking over with the old secret in grace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import { decide, withJitter } from '../../src/webhooks/schedule.js';
import { verifyWebhook, createSigner } from '../../src/webhooks/signature.js';
import {
  activateWebhookSecret,
  ensureWebhookSecret,
  listWebhookSecrets,
  rotateWebhookSecret,
  validWebhookSecrets,
} from '../../src/webhooks/secrets.service.js';
import { createTestStore, STORE_KINDS, type TestStore } from '../helpers/store.js';

const policy = {
  schedule: [0, 5_000, 300_000, 1_800_000],
  jitterPct: 20,
  random: { int: (max: number) => Math.floor(Math.random() * max) },
};

describe('the retry decision', () => {
  it('2xx delivers, 410 ends at once, the rest follows the schedule and dies after its last attempt', () => {
    expect(decide(204, null, 0, policy)).toEqual({ outcome: 'delivered' });
    expect(decide(302, null, 0, policy).outcome).toBe('retry');
    expect(decide(410, null, 0, policy).outcome).toBe('dead');
    for (const [failures, base] of [
      [0, 5_000],
      [1, 300_000],
      [2, 1_800_000],
    ] as const) {
      const d = decide(500, null, failures, policy);
      if (d.outcome !== 'retry') throw new Error('expected a retry');
      expect(d.delayMs).toBeGreaterThanOrEqual(base * 0.8);
      expect(d.delayMs).toBeLessThanOrEqual(base * 1.2);
    }
    expect(decide(500, null, 3, policy)).toMatchObject({
      outcome: 'dead',
      reason: expect.stringMatching(/4 attempt/),
    });
    expect(decide(null, null, 3, policy).outcome).toBe('dead');
  });

  it('honours Retry-After on 429 and 503 (when longer than the schedule), not on other statuses', () => {
    expect(decide(429, 60_000, 0, policy)).toEqual({ outcome: 'retry', delayMs: 60_000 });
    expect(decide(503, 60_000, 0, policy)).toEqual({ outcome: 'retry', delayMs: 60_000 });
    expect((decide(500, 60_000, 0, policy) as { delayMs: number }).delayMs).toBeLessThanOrEqual(
      6_000,
    );
    expect((decide(429, 1_000, 0, policy) as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(
      4_000,
    );
  });

  it('a signature refused during a secret rotation is retried past the schedule, nothing else is', () => {
    for (const status of [401, 403]) {
      const d = decide(status, null, 3, policy, true);
      if (d.outcome !== 'retry') throw new Error(`expected ${status} to be retried`);
      expect(d.delayMs).toBeGreaterThanOrEqual(1_800_000 * 0.8);
      expect(decide(status, null, 3, policy, false).outcome).toBe('dead');
    }
    expect(decide(500, null, 3, policy, true).outcome).toBe('dead');
    expect(decide(410, null, 0, policy, true).outcome).toBe('dead');
  });

  it('spreads delays by at most the jitter either way', () => {
    expect(withJitter(1000, 20, { int: () => 0 })).toBe(800);
    expect(withJitter(1000, 20, { int: (max) => max - 1 })).toBe(1200);
    expect(withJitter(0, 20, { int: () => 0 })).toBe(0);
  });
});

describe.each(STORE_KINDS)('the webhook secret on %s', (kind) => {
  let ts: TestStore;
  const clock = manualClock(Date.parse('2025-12-28T10:00:00Z'));
  beforeAll(async () => {
    ts = await createTestStore(kind, { clock });
  });
  afterAll(async () => {
    await ts?.close();
  });

  const envA = 'whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=';
  const envB = 'a-plain-secret-from-the-env-file-0123456789';

  it('imports SUPPORT_WEBHOOK_SECRET once; a rotation is not undone by the same .env at the next start', async () => {
    expect(await ensureWebhookSecret(ts.ctx, envA)).toBe('imported');
    expect(await ensureWebhookSecret(ts.ctx, envA)).toBe('kept');
    expect((await validWebhookSecrets(ts.ctx)).secrets).toEqual([envA]);
    const rotated = await rotateWebhookSecret(ts.ctx, { grace: '1h', activate_at: 'now' });
    expect(rotated.previous.map((p) => p.source)).toEqual(['env']);
    expect(await ensureWebhookSecret(ts.ctx, envA)).toBe('kept');
    expect((await validWebhookSecrets(ts.ctx)).secrets).toEqual([rotated.secret, envA]);
    clock.advance(3_600_001);
    expect((await validWebhookSecrets(ts.ctx)).secrets).toEqual([rotated.secret]);
  });

  it('a changed .env becomes the current secret; the one before signs on for the grace', async () => {
    const before = (await validWebhookSecrets(ts.ctx)).secrets[0];
    expect(await ensureWebhookSecret(ts.ctx, envB)).toBe('imported');
    expect((await validWebhookSecrets(ts.ctx)).secrets).toEqual([envB, before]);
    const listed = await listWebhookSecrets(ts.ctx);
    expect(listed.map((s) => s.status)).toEqual(
      ['current', 'grace', 'expired', 'expired'].slice(0, listed.length),
    );
    expect(JSON.stringify(listed)).not.toContain(envB);
    await expect(ensureWebhookSecret(ts.ctx, 'too-short')).rejects.toMatchObject({
      code: 'invalid_webhook_secret',
    });
  });

  it('rotates in two phases: X-KGC-Signature keeps the old secret until activation, webhook-signature carries both throughout', async () => {
    const old = (await validWebhookSecrets(ts.ctx)).secrets[0] as string;
    const rotated = await rotateWebhookSecret(ts.ctx, { grace: '1h' });
    expect(rotated.current).toMatchObject({ status: 'pending', activates_at: null });
    const body = '{"id":"evt_r","event":"order.arrived"}';
    const signedNow = async () => {
      const h = createSigner((await validWebhookSecrets(ts.ctx)).secrets).headers(
        'evt_r',
        body,
        Math.floor(clock.now() / 1000),
      );
      const opts = { now: () => clock.now() };
      return {
        kgcOld: verifyWebhook(h, body, old, { ...opts, scheme: 'kgc' }).ok,
        kgcNew: verifyWebhook(h, body, rotated.secret, { ...opts, scheme: 'kgc' }).ok,
        stdOld: verifyWebhook(h, body, old, { ...opts, scheme: 'standard' }).ok,
        stdNew: verifyWebhook(h, body, rotated.secret, { ...opts, scheme: 'standard' }).ok,
      };
    };
    expect(await signedNow()).toEqual({ kgcOld: true, kgcNew: false, stdOld: true, stdNew: true });
    // Pending holds however long the operator takes: no grace runs out before the activation.
    clock.advance(48 * 3_600_000);
    expect(await signedNow()).toEqual({ kgcOld: true, kgcNew: false, stdOld: true, stdNew: true });
    expect((await listWebhookSecrets(ts.ctx)).slice(0, 2).map((s) => s.status)).toEqual([
      'pending',
      'current',
    ]);

    const activated = await activateWebhookSecret(ts.ctx, {});
    expect(activated.current).toMatchObject({ id: rotated.current.id, status: 'current' });
    expect(activated.previous.map((p) => p.status)).toEqual(['grace']);
    expect(await signedNow()).toEqual({ kgcOld: false, kgcNew: true, stdOld: true, stdNew: true });
    clock.advance(3_600_001);
    expect(await signedNow()).toEqual({ kgcOld: false, kgcNew: true, stdOld: false, stdNew: true });
    await expect(activateWebhookSecret(ts.ctx, {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('--activate-at switches X-KGC-Signature at that time, and the old secret ends its grace after it', async () => {
    const old = (await validWebhookSecrets(ts.ctx)).secrets[0] as string;
    const rotated = await rotateWebhookSecret(ts.ctx, { grace: '30m', activate_at: '2h' });
    const at = clock.now() + 2 * 3_600_000;
    expect(rotated.current.activates_at).toBe(new Date(at).toISOString());
    const before = await validWebhookSecrets(ts.ctx);
    expect(before.secrets).toEqual([old, rotated.secret]);
    // The signer cache reloads at the activation.
    expect(before.nextExpiry).toBe(at);
    clock.advance(2 * 3_600_000);
    expect((await validWebhookSecrets(ts.ctx)).secrets).toEqual([rotated.secret, old]);
    clock.advance(30 * 60_000 + 1);
    expect((await validWebhookSecrets(ts.ctx)).secrets).toEqual([rotated.secret]);
    await expect(rotateWebhookSecret(ts.ctx, { activate_at: 'tomorrow' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('generates one when there is none', async () => {
    const fresh = await createTestStore(kind);
    try {
      expect(await ensureWebhookSecret(fresh.ctx, undefined)).toBe('generated');
      expect(await ensureWebhookSecret(fresh.ctx, undefined)).toBe('kept');
      expect((await validWebhookSecrets(fresh.ctx)).secrets[0]).toMatch(
        /^whsec_[A-Za-z0-9+/]{43}=$/,
      );
    } finally {
      await fresh.close();
    }
  });
});
