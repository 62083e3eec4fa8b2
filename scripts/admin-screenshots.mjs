#!/usr/bin/env node
/**
 * Screenshots of the admin page in Hungarian and English for the manual (docs/operations.md, "Admin page"):
 * docs/admin-hu.png and docs/admin-en.png. Runs the built binary (`npm run build`
 * first) as `serve --demo` on a throw-away data directory, with a stand-in Support
 * that accepts every webhook but one (so the DLQ has a row), issues a few keys and
 * events through the CLI and the Pull API, then photographs the page with Debian's
 * chromium (playwright-core, never a downloaded browser).
 *
 *   npm run build && node scripts/admin-screenshots.mjs
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'kgc-support.js');
const CHROMIUM = process.env.KGC_TEST_CHROMIUM ?? '/usr/bin/chromium';

const sample = {
  order_id: 'O-2025-0456',
  customer: { id: 'C-123', name: 'Kovács János', phone: '+36301234567' },
  items: [{ sku: 'MAK-DGA452', name: 'Makita akkus fúró', quantity: 2, status: 'beérkezett' }],
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-admin-shots-'));
  // Support's stand-in: healthy, takes every webhook except the one meant for the DLQ.
  const support = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.statusCode = body.includes('evt_shot_dlq') ? 500 : req.url === '/api' ? 200 : 204;
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/api' ? '{"data_services":"ok","queue_services":"ok"}' : '');
    });
  });
  await new Promise((r) => support.listen(0, '127.0.0.1', r));
  const supportUrl = `http://127.0.0.1:${support.address().port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    KGC_SUPPORT_DATA_DIR: dir,
    KGC_SUPPORT_PORT: '0',
    KGC_SUPPORT_LOG_LEVEL: 'warn',
    SUPPORT_API_URL: supportUrl,
    SUPPORT_CONTEXT_URL: supportUrl,
    CHATWOOT_URL: supportUrl,
    SUPPORT_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAbCdEfGh',
    KGC_SUPPORT_WEBHOOK_SCHEDULE: '0,50ms,50ms',
    KGC_SUPPORT_WEBHOOK_POLL: '200ms',
  };
  const daemon = spawn(process.execPath, [BIN, 'serve', '--demo'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let browser;
  try {
    const url = await new Promise((resolve, reject) => {
      let err = '';
      const t = setTimeout(() => reject(new Error(`the daemon did not start:\n${err}`)), 120_000);
      daemon.stderr.on('data', (c) => {
        err += c;
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      daemon.once('exit', (code) => reject(new Error(`the daemon exited with ${code}:\n${err}`)));
    });
    const cli = (...args) =>
      JSON.parse(
        execFileSync(process.execPath, [BIN, ...args, '--json'], { env, encoding: 'utf8' }),
      );
    const { password } = cli('admin', 'password');
    const publishKey = cli(
      'keys',
      'create',
      '--name',
      'erp-backend',
      '--scope',
      'erp:publish',
    ).api_key;
    cli(
      'keys',
      'create',
      '--name',
      'koko-chatbot',
      '--scope',
      'support:read',
      '--scope',
      'support:appointments',
    );
    cli(
      'keys',
      'create',
      '--name',
      'context-manager',
      '--scope',
      'support:read',
      '--expires-in',
      '7d',
    );
    const publish = (id, event = 'order.arrived', data = sample) =>
      fetch(`${url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${publishKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, event, data }),
      });
    await publish('evt_shot_1');
    cli('disable');
    await publish('evt_shot_2');
    cli('enable');
    await publish('evt_shot_dlq');
    await publish('evt_shot_3');
    // Give the dispatcher its three attempts on the failing one.
    for (let i = 0; i < 100; i++) {
      if (cli('dlq', 'list').length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // One erasure request, so the GDPR table has a row (its steps run against the stand-in).
    try {
      cli('gdpr', 'delete', 'C-507', '--reason', 'user_request', '--yes');
    } catch {
      /* a partial cascade still leaves its request to show */
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
    await page.goto(`${url}/admin`);
    await page.fill('#login-password', password);
    await page.press('#login-password', 'Enter');
    await page.waitForSelector('#app-view:not([hidden])');
    await page.waitForSelector('#dlq-rows tr[data-event]');
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    for (const lang of ['hu', 'en']) {
      await page.click(`button[data-lang="${lang}"]`);
      await page.click('#refresh');
      await page.waitForTimeout(300); // let the refreshed tables paint before the picture
      const file = join(ROOT, 'docs', `admin-${lang}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${file}`);
    }
  } finally {
    await browser?.close();
    daemon.kill('SIGTERM');
    await new Promise((r) => (daemon.exitCode !== null ? r() : daemon.once('exit', r)));
    support.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
