/**
 * `kgc-support gdpr …` in-process, on the same PostgreSQL database as the world:
 * hostile customer ids refused with a clear error and nothing touched (through the
 * CLI, the service and the event intake), confirmation required off a terminal, the
 * dry run, a full erasure, status, receipt, and a partial request resumed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { recordingIO } from '../../src/cli/io.js';
import { requestErasure, startErasureFromEvent } from '../../src/gdpr/gdpr.service.js';
import { setSwitch } from '../../src/plugin/plugin.service.js';
import { createGdprWorld, needles, TARGET, type GdprWorld } from '../helpers/gdpr.js';

const HOSTILE = [
  '../C-9001',
  'C-9001/../../etc/passwd',
  '..',
  '*',
  'C-9001*',
  'C-900?',
  'C-9001%2F..',
  '%2e%2e%2fC-9001',
  'C-9001\u0000',
  'C-9001\u0000.json',
  'C-9001:*',
  'C-9001.json',
  ' C-9001',
  'C-9001\n',
  'C-[0-9]*',
  'x'.repeat(65),
  '',
];

describe('gdpr CLI (postgres)', () => {
  let w: GdprWorld;
  const run = async (...args: string[]) => {
    const io = recordingIO(w.env);
    const code = await main(['node', 'kgc-support', ...args], io);
    return { code, out: io.out, err: io.err };
  };
  const snapshot = async () => ({
    traces: await w.traces(needles(TARGET)),
    files: w.memoryFiles(),
    keys: (await w.redisKeys()).length,
    contacts: w.chatwoot.contacts.size,
    deletes: w.chatwoot.calls.delete,
    requests: (await w.ctx.db.query('SELECT id FROM kgc_support.gdpr_requests')).rowCount,
  });
  beforeAll(async () => {
    w = await createGdprWorld('postgres');
    // The dispatcher is not in this build: with the module off, step 2 is skipped, as it would be.
    await setSwitch(w.ctx, false);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('refuses every hostile customer id with a clear error, exit 2, and touches nothing', async () => {
    const before = await snapshot();
    expect(before.traces).not.toEqual({});
    for (const id of HOSTILE) {
      const res = await run('gdpr', 'delete', '--reason', 'user_request', '--yes', '--', id);
      expect(res.code, JSON.stringify(id)).toBe(2);
      expect(res.err, JSON.stringify(id)).toContain('refused');
      expect(res.err).not.toContain('\u0000');
      await expect(
        requestErasure(w.ctx, w.deps(), { customer_id: id, reason: 'user_request' }),
        JSON.stringify(id),
      ).rejects.toMatchObject({ code: 'invalid_customer_id' });
      await expect(
        startErasureFromEvent(w.ctx, w.deps(), {
          eventId: 'evt_x',
          customerId: id,
          reason: 'user_request',
        }),
      ).rejects.toMatchObject({ code: 'invalid_customer_id' });
    }
    const dry = await run(
      'gdpr',
      'delete',
      '--reason',
      'user_request',
      '--dry-run',
      '--',
      'C-9001%2F..',
    );
    expect(dry.code).toBe(2);
    expect((await run('gdpr', 'delete', 'C-9001', '--reason', 'User Request!', '--yes')).code).toBe(
      2,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('says what a NUL byte or a percent-encoded slash is, so the admin can tell what was wrong', async () => {
    expect(
      (await run('gdpr', 'delete', '--reason', 'x', '--yes', '--', 'C-9001\u0000')).err,
    ).toContain('\\u0000');
    expect(
      (await run('gdpr', 'delete', '--reason', 'x', '--yes', '--', 'C-9001%2F..')).err,
    ).toContain('percent-encoded');
    expect((await run('gdpr', 'delete', '--reason', 'x', '--yes', '--', '../etc')).err).toContain(
      'path separator',
    );
  });

  it('requires --yes off a terminal, and --dry-run touches nothing', async () => {
    const before = await snapshot();
    const noYes = await run('gdpr', 'delete', TARGET.id, '--reason', 'user_request');
    expect(noYes.code).toBe(2);
    expect(noYes.err).toContain('pass --yes');
    const dry = await run(
      '--json',
      'gdpr',
      'delete',
      TARGET.id,
      '--reason',
      'user_request',
      '--dry-run',
    );
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.out);
    expect(plan.steps.map((s: { step: string; action: string }) => [s.step, s.action])).toEqual([
      ['erp', 'erase'],
      ['webhook', 'erase'],
      ['memory', 'erase'],
      ['chatwoot', 'erase'],
      ['redis', 'erase'],
      ['store', 'erase'],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('partial when Chatwoot is down (exit 1, the request kept); gdpr resume completes it (exit 0); status and receipt', async () => {
    await w.chatwoot.stop();
    const first = await run(
      '--json',
      'gdpr',
      'delete',
      TARGET.id,
      '--reason',
      'user_request',
      '--yes',
    );
    expect(first.code).toBe(1);
    const view = JSON.parse(first.out);
    expect(view.state).toBe('partial');
    expect(view.steps.map((s: { state: string }) => s.state)).toEqual([
      'done',
      'skipped',
      'done',
      'retry',
      'done',
      'done',
    ]);

    const text = await run('gdpr', 'status', view.request_id);
    expect(text.out).toContain('partial');
    expect(text.out).toContain(`gdpr resume ${view.request_id}`);

    await w.chatwoot.start();
    const resumed = await run('--json', 'gdpr', 'resume', view.request_id);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ state: 'completed', customer_id: null });

    const list = JSON.parse((await run('--json', 'gdpr', 'status', '--state', 'completed')).out);
    expect(list.map((r: { request_id: string }) => r.request_id)).toEqual([view.request_id]);
    const byCustomer = JSON.parse(
      (await run('--json', 'gdpr', 'status', '--customer', TARGET.id)).out,
    );
    expect(byCustomer).toHaveLength(1);

    const receipt = await run('--json', 'gdpr', 'receipt', view.request_id);
    expect(receipt.code).toBe(0);
    for (const n of [...needles(TARGET), TARGET.id]) expect(receipt.out, n).not.toContain(n);
    expect(JSON.parse(receipt.out).steps.map((s: { outcome: string }) => s.outcome)).toEqual([
      'done',
      'skipped',
      'done',
      'done',
      'done',
      'done',
    ]);
    expect(await w.traces(needles(TARGET))).toEqual({});

    const audit = JSON.parse(
      (await run('--json', 'audit', '--kind', 'admin', '--route', 'gdpr.')).out,
    ) as { route: string }[];
    expect(audit.map((r) => r.route)).toEqual(
      expect.arrayContaining(['gdpr.delete', 'gdpr.resume', 'gdpr.step.chatwoot']),
    );
  });

  it('an unknown request id is a clear error', async () => {
    const res = await run('gdpr', 'resume', 'gdpr_ffffffffffffffffffff');
    expect(res.code).toBe(1);
    expect(res.err).toContain('no erasure request gdpr_ffffffffffffffffffff');
  });
});
