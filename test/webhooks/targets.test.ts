/**
 * Webhook targets are only the configured Support URLs: SUPPORT_API_URL + the path
 * template. A template that could leave Support (a scheme, `//host`, `..`) is refused
 * when the configuration loads; the one function that makes webhook URLs refuses such
 * a result whatever it is given; `webhook test` has no URL of the caller's choosing.
 */
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { EVENT_TYPES, webhookUrl } from '../../src/events/catalogue.js';
import { PingInput, sendPing } from '../../src/webhooks/ping.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

const config = (env: Record<string, string>) => () =>
  loadConfig({ KGC_SUPPORT_DATA_DIR: '/nonexistent/kgc-targets', ...env });

const HOSTILE_TEMPLATES = [
  'https://evil.example/{name}',
  'http:evil.example/{name}',
  '//evil.example/{name}',
  '/webhook//evil.example/{name}',
  '/webhook/../../admin/{name}',
  '/webhook/./{name}',
  '/..',
  '/\\evil.example/{name}',
  '/webhook/%2e%2e/{name}',
  '/webhook%2fadmin/{name}',
  '/webhook/{name}?to=evil',
  '/webhook/{name}#x',
  '/webhook/{host}/{name}',
  'webhook/{name}',
  '/web hook/{name}',
];

describe('webhook targets', () => {
  it('refuses at config load a path template that could leave SUPPORT_API_URL, naming the setting', () => {
    for (const t of HOSTILE_TEMPLATES) {
      expect(config({ KGC_SUPPORT_WEBHOOK_PATH: t }), t).toThrow(/KGC_SUPPORT_WEBHOOK_PATH/);
    }
    for (const t of ['/webhook/kgc/{name}', '/hooks/{event}', '/a-b_c.d~e/{name}/x']) {
      expect(config({ KGC_SUPPORT_WEBHOOK_PATH: t })().webhookPath).toBe(t);
    }
  });

  it('refuses a SUPPORT_API_URL that is not http(s) or whose query or fragment a path would land in', () => {
    for (const u of [
      'ftp://support.example',
      'redis://support.example',
      'https://support.example/?x=1',
      'https://support.example/#frag',
    ]) {
      expect(config({ SUPPORT_API_URL: u }), u).toThrow(/SUPPORT_API_URL/);
    }
    expect(config({ SUPPORT_API_URL: 'https://support.example/kgc/' })().supportApiUrl).toBe(
      'https://support.example/kgc',
    );
  });

  it("makes every event's URL below SUPPORT_API_URL, and refuses any template that would not be", () => {
    const base = 'https://support.example/kgc';
    for (const type of [...EVENT_TYPES, 'ping']) {
      const url = new URL(webhookUrl(base, '/webhook/kgc/{name}', type));
      expect([url.origin, url.pathname.startsWith('/kgc/webhook/kgc/')]).toEqual([
        'https://support.example',
        true,
      ]);
    }
    // Handed a template the settings would refuse, the one URL builder still refuses it.
    for (const t of [
      '/../../admin/{name}',
      '@evil.example/{name}',
      '.evil.example/{name}',
      '/%2e%2e/{name}',
      '/{name}?x',
      ':8443/{name}',
    ]) {
      expect(() => webhookUrl(base, t, 'ping'), t).toThrow(/not a path below SUPPORT_API_URL/);
    }
  });

  describe('webhook test', () => {
    let support: TestReceiver;
    let elsewhere: TestReceiver;
    let ts: TestStore;
    beforeAll(async () => {
      support = await startReceiver();
      elsewhere = await startReceiver();
      ts = await createTestStore('pglite', {
        env: {
          SUPPORT_API_URL: `${support.url}/support`,
          KGC_SUPPORT_WEBHOOK_PATH: '/hooks/{name}',
        },
      });
    });
    afterAll(async () => {
      await ts?.close();
      await support?.stop();
      await elsewhere?.stop();
    });

    it('takes no URL: its input schema refuses one', () => {
      expect(Value.Check(PingInput, {})).toBe(true);
      expect(Value.Check(PingInput, { url: elsewhere.url })).toBe(false);
    });

    it('sends only to SUPPORT_API_URL + the path template, whatever it is handed', async () => {
      const res = await sendPing(ts.ctx, { url: `${elsewhere.url}/steal` } as never);
      expect([res.ok, res.url]).toEqual([true, `${support.url}/support/hooks/ping`]);
      expect(support.received.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /support/hooks/ping',
      ]);
      expect(elsewhere.received).toEqual([]);
    });
  });
});
