/**
 * The admin page end to end, as a franchise admin uses it: a real daemon (embedded
 * store, demo data) whose webhooks go to a test receiver, the password from the CLI,
 * and Debian's headless chromium. One browser, one daemon, the steps in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { getEvent } from '../../src/events/events.service.js';
import { createKey } from '../../src/keys/keys.service.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { fastEnv, SAMPLES } from '../helpers/webhooks.js';
import { browserMissing, launchChromium } from './browser.js';

const missing = browserMissing();
// Each wait is bounded and named; generous for a full run on two busy cores.
const WAIT = 30_000;

describe.skipIf(missing !== undefined)('the admin page in headless Chromium', () => {
  let rx: TestReceiver;
  let daemon: Daemon;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let attacker: Server;
  let dir: string;
  let env: Record<string, string>;
  let password: string;
  let publishKey: string;
  let demoKey = '';
  let n = 0;

  beforeAll(async () => {
    rx = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'kgc-admin-e2e-'));
    env = {
      KGC_SUPPORT_DATA_DIR: dir,
      KGC_SUPPORT_LOG_LEVEL: 'silent',
      KGC_SUPPORT_PORT: '0',
      ...fastEnv(rx.url),
    };
    [daemon, browser] = await Promise.all([
      startDaemon({
        config: loadConfig(env),
        demo: true,
        onDemoKey: (k) => {
          demoKey = k;
        },
      }),
      launchChromium(),
    ]);
    publishKey = (await createKey(daemon.ctx, { name: 'erp', scopes: ['erp:publish'] })).api_key;
    await createKey(daemon.ctx, { name: 'soon-key', scopes: ['support:read'], expires_in: '7d' });
    context = await browser.newContext({ locale: 'hu-HU' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.url });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    // A page of another origin (another port: the same site, so a SameSite cookie still goes along).
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form id="f" method="POST" action="${daemon.url}/admin/api/ops/plugin.disable" enctype="text/plain">` +
          `<input name='{"x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.close();
    await rx?.stop();
    await new Promise((r) => (attacker ? attacker.close(r) : r(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const publish = async (id: string) => {
    const res = await fetch(`${daemon.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${publishKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, event: 'order.arrived', data: SAMPLES['order.arrived'] }),
    });
    expect(res.status).toBe(202);
  };
  /** Refreshes the page's data and waits for a selector to appear. */
  const refreshUntil = async (selector: string) => {
    await until(
      async () => {
        await page.click('#refresh');
        return (await page.$(selector)) !== null;
      },
      WAIT,
      selector,
    );
  };
  const pullApi = (key: string) =>
    fetch(`${daemon.url}/api/customers/by-phone/+36301234567`, {
      headers: { authorization: `Bearer ${key}` },
    });

  it('prints a password with the CLI, through the running daemon', async () => {
    const io = recordingIO(env);
    expect(await main(['node', 'kgc-support', 'admin', 'password', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out) as { user: string; password: string; daemon: { pid: number } };
    expect(out.user).toBe('admin');
    expect(out.daemon.pid).toBe(process.pid);
    password = out.password;
  });

  it('refuses a wrong password, in Hungarian by default', async () => {
    await page.goto(`${daemon.url}/admin`);
    await page.waitForSelector('#login-view:not([hidden])');
    expect(await page.textContent('h1')).toBe('KGC Support – bővítménykezelő');
    await page.fill('#login-password', 'nem-ez-a-jelszo');
    await page.press('#login-password', 'Enter');
    await page.waitForSelector('#login-error:not([hidden])');
    expect(await page.textContent('#login-error')).toBe('Hibás felhasználó vagy jelszó.');
    expect(await page.isHidden('#app-view')).toBe(true);
  });

  it('logs in with the keyboard alone and shows the module on', async () => {
    await page.focus('#login-password');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#app-view:not([hidden])');
    await page.waitForSelector('#module-switch[aria-checked="true"]');
    expect(await page.textContent('#who')).toBe('admin');
    // The key health warns about (7 days left, inside KGC_SUPPORT_HEALTH_KEY_EXPIRY's 14 days) stands out; the others not.
    await page.waitForSelector('#key-rows tr:has-text("soon-key") td.soon');
    expect(await page.locator('#key-rows td.soon').count()).toBe(1);
  });

  it('switches the module off: a published event is recorded as skipped and never sent', async () => {
    await page.focus('#module-switch');
    await page.keyboard.press('Space');
    await page.waitForSelector('#module-switch[aria-checked="false"]');
    await until(() => !daemon.moduleEnabled(), WAIT, 'the daemon to hear the switch');
    await publish('evt_admin_off');
    await refreshUntil('tr[data-event="evt_admin_off"][data-status="skipped"]');
    expect((await pullApi(demoKey)).status).toBe(503);
  });

  it('switches it on again: the next event is delivered to the receiver', async () => {
    await page.click('#module-switch');
    await page.waitForSelector('#module-switch[aria-checked="true"]');
    await until(() => daemon.moduleEnabled(), WAIT, 'the daemon to hear the switch');
    await publish('evt_admin_on');
    await rx.waitFor(1, WAIT);
    expect(rx.deliveries.map((d) => d.headers['webhook-id'])).toEqual(['evt_admin_on']);
    await refreshUntil('tr[data-event="evt_admin_on"][data-status="delivered"]');
    const audit = await page.textContent('#audit-rows');
    expect(audit).toContain('admin-ui:admin');
    expect(audit).toContain('plugin.disable');
  });

  it('switches booking off alone: booking answers 503, reads go on; and on again', async () => {
    // An empty booking: 503 while booking is off, 400 (validation) once it is open again.
    const booking = () =>
      fetch(`${daemon.url}/api/service/appointments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
    await page.click('#booking-switch');
    await page.waitForSelector('#booking-switch[aria-checked="false"]');
    expect(await page.isChecked('#module-switch')).toBe(true);
    const off = await booking();
    expect([off.status, ((await off.json()) as { code: string }).code]).toEqual([
      503,
      'capability_disabled',
    ]);
    expect((await pullApi(demoKey)).status).toBe(200);
    await page.click('#booking-switch');
    await page.waitForSelector('#booking-switch[aria-checked="true"]');
    expect((await booking()).status).toBe(400);
  });

  it('creates a key shown once with a copy button; the Pull API accepts it', async () => {
    await page.fill('#key-name', 'koko-chatbot');
    await page.click('#key-create');
    await page.waitForSelector('#new-key:not([hidden])');
    const key = (await page.textContent('#new-key-value')) ?? '';
    expect(key).toMatch(/^kgc_[A-Za-z0-9]+$/);
    await page.click('#new-key-copy');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    const res = await pullApi(key);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { customer_id: string }).customer_id).toBe('C-123');
    await page.click('#new-key-close');
    expect(await page.textContent('#new-key-value')).toBe('');

    // Revoke it from its row (after the confirmation): the API refuses it from the next request.
    const row = page.locator('#key-rows tr', { hasText: 'koko-chatbot' });
    page.once('dialog', (d) => void d.accept());
    await row.locator('button[data-action="revoke"]').click();
    await page.waitForSelector(
      '#key-rows tr:has-text("koko-chatbot") .badge.revoked, #key-rows:not(:has-text("koko-chatbot"))',
    );
    const refused = await pullApi(key);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('api_key_revoked');
  });

  it('replays a dead-lettered event from the DLQ and sees it delivered', async () => {
    rx.behaviour = (r) => (r.body.includes('evt_admin_dlq') ? { status: 500 } : { status: 204 });
    await publish('evt_admin_dlq');
    await until(
      async () => (await getEvent(daemon.ctx, 'evt_admin_dlq')).status === 'dead',
      WAIT,
      'the event to be dead-lettered',
    );
    rx.behaviour = () => ({ status: 204 });
    await refreshUntil('#dlq-rows tr[data-event="evt_admin_dlq"]');
    // Inspect its attempts: every failed one, with its HTTP status.
    await page.click('#dlq-rows tr[data-event="evt_admin_dlq"] button[data-action="inspect"]');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.locator('#detail-rows tr').count()).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('#detail-rows')).toContain('500');
    await page.keyboard.press('Escape');
    const before = rx.deliveries.length;
    await page.click('#dlq-rows tr[data-event="evt_admin_dlq"] button[data-action="replay"]');
    await until(
      () =>
        rx.deliveries
          .slice(before)
          .some(
            (d) => d.headers['webhook-id'] === 'evt_admin_dlq' && d.body.includes('evt_admin_dlq'),
          ),
      WAIT,
      'the replayed delivery',
    );
    await refreshUntil('tr[data-event="evt_admin_dlq"][data-status="delivered"]');
    expect(await page.$('#dlq-rows tr[data-event="evt_admin_dlq"]')).toBeNull();
  });

  it('purges a dead-lettered event only after the confirmation', async () => {
    rx.behaviour = (r) => (r.body.includes('evt_admin_purge') ? { status: 500 } : { status: 204 });
    await publish('evt_admin_purge');
    await until(
      async () => (await getEvent(daemon.ctx, 'evt_admin_purge')).status === 'dead',
      WAIT,
      'the event to be dead-lettered',
    );
    rx.behaviour = () => ({ status: 204 });
    const row = '#dlq-rows tr[data-event="evt_admin_purge"]';
    await refreshUntil(row);
    await page.check(`${row} input[type="checkbox"]`);
    page.once('dialog', (d) => void d.dismiss());
    await page.click('#dlq-purge-selected');
    await page.click('#refresh');
    expect(await page.$(row)).not.toBeNull();
    page.once('dialog', (d) => void d.accept());
    await page.click('#dlq-purge-selected');
    await page.waitForSelector(row, { state: 'detached' });
    await expect(getEvent(daemon.ctx, 'evt_admin_purge')).rejects.toThrow();
  });

  it('rotates a key with a grace period: both work meanwhile', async () => {
    const row = page.locator('#key-rows tr', { hasText: 'demo' });
    page.once('dialog', (d) => void d.accept('1h'));
    await row.locator('button[data-action="rotate"]').click();
    await page.waitForSelector('#new-key:not([hidden])');
    const successor = (await page.textContent('#new-key-value')) ?? '';
    expect(successor).not.toBe(demoKey);
    expect((await pullApi(successor)).status).toBe(200);
    expect((await pullApi(demoKey)).status).toBe(200);
    await page.waitForSelector('#key-rows .badge.rotated');
    await page.click('#new-key-close');
  });

  it('refuses a forged cross-site POST, though the browser sends the session cookie', async () => {
    n = rx.deliveries.length;
    const forged = await context.newPage();
    const answer = forged.waitForResponse((r) => r.url().endsWith('/admin/api/ops/plugin.disable'));
    await forged.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const res = await answer;
    // Same site (only the port differs): SameSite=Strict lets the cookie go, the CSRF checks stop it.
    expect((await res.request().allHeaders()).cookie).toMatch(/kgc_admin=/);
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('csrf_refused');
    expect(daemon.moduleEnabled()).toBe(true);
    await forged.close();
    await page.click('#refresh');
    await page.waitForSelector('#module-switch[aria-checked="true"]');
    expect(rx.deliveries.length).toBe(n);
  });

  it('speaks English on request', async () => {
    await page.click('button[data-lang="en"]');
    expect(await page.textContent('h1')).toBe('KGC Support – Plugin Manager');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });
});
