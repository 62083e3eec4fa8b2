/**
 * The CLI of events, DLQ, secrets and webhook test against a running daemon (its
 * admin socket, in-process) on the embedded store, and without a daemon. The module
 * switch reaches the daemon's dispatcher within a second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { recordingIO } from '../../src/cli/io.js';
import { loadConfig } from '../../src/config/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { verifyWebhook } from '../../src/index.js';
import { startReceiver, until, type TestReceiver } from '../helpers/receiver.js';
import { fastEnv, SAMPLES, SECRET } from '../helpers/webhooks.js';

describe('events, dlq, secrets and webhook commands', () => {
  let dataDir: string;
  let rx: TestReceiver;
  let daemon: Daemon;
  let env: Record<string, string>;

  const cli = async (...args: string[]) => {
    const io = recordingIO(env);
    const code = await main(['node', 'kgc-support', ...args], io);
    return { code, out: io.out, err: io.err, json: (): unknown => JSON.parse(io.out) };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kgc-cli-'));
    rx = await startReceiver();
    env = {
      KGC_SUPPORT_DATA_DIR: dataDir,
      KGC_SUPPORT_LOG_LEVEL: 'silent',
      KGC_SUPPORT_PORT: '0',
      ...fastEnv(rx.url),
    };
    daemon = await startDaemon({ config: loadConfig(env) });
  });
  afterAll(async () => {
    await daemon?.close();
    await rx?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The events here are rental.ended, not customer.deleted: publishing customer.deleted
  // starts an erasure of that customer (the GDPR intake), which then erases every event
  // about them, this one included, and blanks and skips later ones (docs/privacy.md).
  it('events publish goes through the daemon and is delivered; events show lists the attempt', async () => {
    const r = await cli(
      'events',
      'publish',
      '--type',
      'rental.ended',
      '--data',
      JSON.stringify(SAMPLES['rental.ended']),
      '--id',
      'cli-1',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      replayed: false,
      event: { id: 'cli-1', status: 'pending', source: 'cli' },
    });
    await rx.waitFor(1, 20_000);
    expect(rx.deliveries[0]?.path).toBe('/webhook/kgc/rental-ended');
    await until(
      async () =>
        ((await cli('events', 'show', 'cli-1', '--json')).json() as { event: { status: string } })
          .event.status === 'delivered',
      20_000,
      'delivered',
    );
    const shown = (await cli('events', 'show', 'cli-1', '--json')).json() as {
      history: { outcome: string; status: number }[];
    };
    expect(shown.history).toMatchObject([{ outcome: 'delivered', status: 204 }]);
    expect((await cli('events', 'publish', '--type', 'order.lost', '--data', '{}')).code).toBe(2);
  });

  it('disable reaches the daemon at once: events are skipped and never sent; enable resumes', async () => {
    const before = rx.deliveries.length;
    expect((await cli('disable')).code).toBe(0);
    expect(daemon.moduleEnabled()).toBe(false);
    const r = await cli(
      'events',
      'publish',
      '--type',
      'order.arrived',
      '--data',
      JSON.stringify(SAMPLES['order.arrived']),
      '--json',
    );
    expect((r.json() as { event: { status: string } }).event.status).toBe('skipped');
    expect((await cli('enable')).code).toBe(0);
    expect(daemon.moduleEnabled()).toBe(true);
    // The dispatcher looked for due work after enable and found none: the skipped event stays unsent.
    await daemon.dispatcher.waitIdle();
    expect(rx.deliveries.length).toBe(before);
  });

  it('events list shows the latest events newest first, filtered by status and type, no payloads', async () => {
    const all = await cli('events', 'list', '--json');
    expect(all.code).toBe(0);
    const rows = all.json() as { id: string; event: string; status: string; data?: unknown }[];
    // Newest first: the skipped order.arrived of the previous test, then cli-1 (delivered).
    expect(rows[0]).toMatchObject({ event: 'order.arrived', status: 'skipped' });
    expect(rows.find((e) => e.id === 'cli-1')).toMatchObject({ status: 'delivered' });
    expect(rows.every((e) => e.data === undefined)).toBe(true);
    const skipped = (await cli('events', 'list', '--status', 'skipped', '--json')).json() as {
      status: string;
    }[];
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((e) => e.status === 'skipped')).toBe(true);
    const byType = (
      await cli('events', 'list', '--type', 'rental.ended', '--limit', '1', '--json')
    ).json() as { event: string }[];
    expect(byType.map((e) => e.event)).toEqual(['rental.ended']);
    const human = await cli('events', 'list', '--limit', '2');
    expect(human.out).toMatch(/ID\s+EVENT\s+STATUS/);
    expect(human.out).toContain('order.arrived');
    // Bad input: a clear usage error (exit 2), nothing asked of the daemon.
    const bad = await cli('events', 'list', '--status', 'lost');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--status lost: one of pending, delivered, dead, skipped, rejected/);
    expect((await cli('events', 'list', '--limit', '0')).code).toBe(2);
  });

  it('dlq list, show, replay (dry run, then for real, skipping delivered ones) and purge with confirmation', async () => {
    rx.behaviour = () => ({ status: 500, body: 'nope' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          (
            await cli(
              'events',
              'publish',
              '--type',
              'rental.started',
              '--data',
              JSON.stringify(SAMPLES['rental.started']),
              '--json',
            )
          ).json() as { event: { id: string } }
        ).event.id,
      );
    await until(
      async () => ((await cli('dlq', 'list', '--json')).json() as unknown[]).length === 3,
      10_000,
      'three dead events',
    );
    const list = await cli('dlq', 'list', '--type', 'rental.started');
    expect(list.out).toContain(ids[0]);
    expect(list.out).toContain('500');
    const show = await cli('dlq', 'show', ids[0] as string);
    expect(show.out).toMatch(/attempts 3, failures 3/);
    expect(show.out.split('\n').filter((l) => /^\d\s.*\b500\b/.test(l))).toHaveLength(3);
    const dry = await cli('dlq', 'replay', '--all', '--dry-run', '--json');
    expect((dry.json() as { replayed: string[] }).replayed.sort()).toEqual([...ids].sort());
    rx.behaviour = () => ({ status: 204 });
    const replay = await cli('dlq', 'replay', ids[0] as string, 'cli-1', 'nope-id');
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(
      /Replayed 1 event\(s\); skipped 2 \(1 already delivered, 1 not found\)/,
    );
    await until(
      async () => ((await cli('dlq', 'list', '--json')).json() as unknown[]).length === 2,
      10_000,
      'replayed delivery',
    );
    const refused = await cli('dlq', 'purge', '--all');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/pass --yes/);
    const purged = await cli('dlq', 'purge', '--all', '--yes', '--json');
    expect((purged.json() as { purged: string[] }).purged.sort()).toEqual([ids[1], ids[2]].sort());
    expect((await cli('dlq', 'list', '--json')).json()).toEqual([]);
    const audit = (await cli('audit', '--kind', 'admin', '--json')).json() as { route: string }[];
    expect(audit.map((a) => a.route)).toEqual(
      expect.arrayContaining(['dlq.replay', 'dlq.purge', 'events.publish']),
    );
  });

  it('secrets rotate-webhook, then activate-webhook: X-KGC-Signature switches only at the activation; webhook-signature carries both', async () => {
    const r = await cli('secrets', 'rotate-webhook', '--grace', '1h', '--json');
    const fresh = (r.json() as { secret: string }).secret;
    expect(fresh).toMatch(/^whsec_/);
    const list = await cli('secrets', 'list');
    expect(list.out).not.toContain(fresh);
    expect(list.out).not.toContain(SECRET);
    expect(list.out).toMatch(/pending\s+rotation/);
    expect(list.out).toMatch(/current\s+env/);
    const deliver = async () => {
      const n = rx.deliveries.length;
      await cli(
        'events',
        'publish',
        '--type',
        'rental.ended',
        '--data',
        JSON.stringify(SAMPLES['rental.ended']),
      );
      await rx.waitFor(n + 1, 20_000);
      const d = rx.deliveries[n];
      if (!d) throw new Error('no delivery');
      expect(String(d.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(new Webhook(SECRET).verify(d.body, d.headers as Record<string, string>)).toBeTruthy();
      expect(new Webhook(fresh).verify(d.body, d.headers as Record<string, string>)).toBeTruthy();
      return {
        old: verifyWebhook(d.headers, d.body, SECRET, { scheme: 'kgc' }).ok,
        new: verifyWebhook(d.headers, d.body, fresh, { scheme: 'kgc' }).ok,
      };
    };
    expect(await deliver()).toEqual({ old: true, new: false });
    const activated = await cli('secrets', 'activate-webhook');
    expect(activated.code).toBe(0);
    expect(activated.out).toMatch(/signs X-KGC-Signature from now on/);
    const after = await cli('secrets', 'list');
    expect(after.out).toMatch(/current\s+rotation/);
    expect(after.out).toMatch(/grace\s+env/);
    expect(await deliver()).toEqual({ old: false, new: true });
    const again = await cli('secrets', 'activate-webhook', '--json');
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/no webhook secret is waiting for activation/);
  });

  it('webhook test sends a signed ping and says what Support answered', async () => {
    rx.behaviour = () => ({ status: 204 });
    const ok = await cli('webhook', 'test', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, status: 204, url: `${rx.url}/webhook/kgc/ping` });
    rx.behaviour = () => ({ status: 401, body: 'bad signature' });
    const bad = await cli('webhook', 'test');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/HTTP 401/);
    rx.behaviour = () => ({ status: 204 });
  });

  it('/metrics has the webhook counters and the queue gauges', async () => {
    const text = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(text).toMatch(/^kgc_support_webhook_attempts_total\{outcome="delivered"\} [1-9]/m);
    expect(text).toMatch(/^kgc_support_webhook_attempts_total\{outcome="dead"\} 3$/m);
    expect(text).toMatch(
      /^kgc_support_events_published_total\{event="rental.ended",source="cli",status="pending"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^kgc_support_events_published_total\{event="order.arrived",source="cli",status="skipped"\} 1$/m,
    );
    expect(text).toMatch(/^kgc_support_events_pending 0$/m);
    expect(text).toMatch(/^kgc_support_events_dead 0$/m);
    expect(text).toMatch(/^kgc_support_events_oldest_pending_age_seconds 0$/m);
    expect(text).toMatch(/^kgc_support_webhook_delivery_latency_seconds_count [1-9]/m);
    expect(text).toMatch(/^kgc_support_webhook_support_reachable 1$/m);
  });
});

describe('events publish without a daemon', () => {
  it('stores the event in-process; the next daemon delivers it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kgc-cli-'));
    const rx = await startReceiver();
    const env = {
      KGC_SUPPORT_DATA_DIR: dataDir,
      KGC_SUPPORT_LOG_LEVEL: 'silent',
      KGC_SUPPORT_PORT: '0',
      ...fastEnv(rx.url),
    };
    try {
      const io = recordingIO(env);
      expect(
        await main(
          [
            'node',
            'kgc-support',
            'events',
            'publish',
            '--type',
            'customer.deleted',
            '--data',
            JSON.stringify(SAMPLES['customer.deleted']),
            '--id',
            'offline-1',
          ],
          io,
        ),
      ).toBe(0);
      expect(rx.deliveries).toHaveLength(0);
      const daemon = await startDaemon({ config: loadConfig(env) });
      try {
        await rx.waitFor(1, 20_000);
        expect(rx.deliveries[0]?.headers['webhook-id']).toBe('offline-1');
      } finally {
        await daemon.close();
      }
    } finally {
      await rx.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
