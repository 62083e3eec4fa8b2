/**
 * The signature contract, pinned: a golden vector for both schemes, the reference
 * Standard Webhooks library verifying our headers (rotation included), and the
 * rejections a receiver relies on (a changed byte, a stale timestamp, a wrong secret).
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/index.js';
import { standardKey } from '../../src/formats/webhook-secret.js';
import { createSigner } from '../../src/webhooks/signature.js';
import { generateWebhookSecret } from '../../src/webhooks/secrets.service.js';
import { cryptoRandom } from '../../src/context/clock.js';
import { parseRetryAfter } from '../../src/webhooks/sender.js';

// The Standard Webhooks specification's own example.
const GOLDEN = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  ts: 1614265330,
  body: '{"test": 2432232314}',
};

describe('webhook signatures', () => {
  it('matches the golden vector of both contracts', () => {
    const h = createSigner([GOLDEN.secret]).headers(GOLDEN.id, GOLDEN.body, GOLDEN.ts);
    expect(h['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    // hmac.new(secret.encode(), f"{ts}.{body}".encode(), sha256).hexdigest(), as the seed's Python computes it
    expect(h['x-kgc-signature']).toBe(
      'sha256=2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964',
    );
    expect(h['x-kgc-timestamp']).toBe('1614265330');
    expect(h['webhook-id']).toBe(GOLDEN.id);
  });

  it('is accepted by the standardwebhooks library, with every valid secret during a rotation', () => {
    const oldSecret = generateWebhookSecret(cryptoRandom);
    const newSecret = generateWebhookSecret(cryptoRandom);
    const body = JSON.stringify({
      id: 'evt_1',
      event: 'order.arrived',
      data: { name: 'Makita akkus fúró' },
    });
    const h = createSigner([newSecret, oldSecret]).headers(
      'evt_1',
      body,
      Math.floor(Date.now() / 1000),
    );
    expect(h['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const s of [oldSecret, newSecret])
      expect(new Webhook(s).verify(body, h)).toMatchObject({ id: 'evt_1' });
    expect(() => new Webhook(generateWebhookSecret(cryptoRandom)).verify(body, h)).toThrow(
      /No matching signature/,
    );
    // Our own receiver helper agrees, for either secret and either scheme.
    expect(verifyWebhook(h, body, [oldSecret])).toMatchObject({
      ok: true,
      scheme: 'standard',
      id: 'evt_1',
    });
    expect(verifyWebhook(h, body, newSecret, { scheme: 'kgc' })).toMatchObject({
      ok: true,
      scheme: 'kgc',
    });
    expect(verifyWebhook(h, body, oldSecret, { scheme: 'kgc' })).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it('rejects a body changed by one byte and a timestamp older than 5 minutes, in both libraries', () => {
    const secret = generateWebhookSecret(cryptoRandom);
    const body = '{"id":"evt_2","event":"rental.started","data":{}}';
    const now = Date.now();
    const fresh = createSigner([secret]).headers('evt_2', body, Math.floor(now / 1000));
    const tampered = body.replace('rental', 'rentaL');
    expect(() => new Webhook(secret).verify(tampered, fresh)).toThrow();
    expect(verifyWebhook(fresh, tampered, secret)).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
    expect(verifyWebhook(fresh, tampered, secret, { scheme: 'kgc' })).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
    const stale = createSigner([secret]).headers('evt_2', body, Math.floor(now / 1000) - 301);
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/too old/);
    expect(verifyWebhook(stale, body, secret)).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    // The clock is injected: the same headers verify at the time they were made.
    expect(verifyWebhook(stale, body, secret, { now: () => now - 301_000 })).toMatchObject({
      ok: true,
    });
    expect(verifyWebhook({}, body, secret)).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it("reads headers from a fetch Headers object as well as from Node's lower-cased record", () => {
    const secret = generateWebhookSecret(cryptoRandom);
    const body = '{"id":"evt_3"}';
    const h = createSigner([secret]).headers('evt_3', body, Math.floor(Date.now() / 1000));
    expect(verifyWebhook(new Headers(h), Buffer.from(body), secret)).toMatchObject({
      ok: true,
      id: 'evt_3',
    });
    const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(upper, body, secret)).toMatchObject({ ok: true });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-12-28T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 28 Dec 2025 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('refuses secrets outside 24-64 bytes', () => {
    expect(() => standardKey('short')).toThrow(/24 to 64 bytes/);
    expect(() => standardKey(`whsec_${Buffer.alloc(16).toString('base64')}`)).toThrow(
      /24 to 64 bytes/,
    );
    expect(() => standardKey(`whsec_${Buffer.alloc(65).toString('base64')}`)).toThrow(
      /24 to 64 bytes/,
    );
    expect(standardKey('a-plain-text-secret-of-32-bytes!').length).toBe(32);
    expect(standardKey(generateWebhookSecret(cryptoRandom)).length).toBe(32);
  });
});
