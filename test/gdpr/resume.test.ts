/**
 * A request that stops half way resumes from its first unfinished step, and a
 * finished step never runs again: Chatwoot down during the cascade (partial, then
 * completed by resume once it is back, each contact deleted once, one webhook), a
 * contact online (422, retried later, its name never recorded), and a runner that
 * died holding the request (taken over at once; a live one is refused).
 */
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../../src/audit/audit.service.js';
import { erasureReceipt, requestErasure, resumeErasure } from '../../src/gdpr/gdpr.service.js';
import type { RequestView } from '../../src/gdpr/gdpr.schema.js';
import { createGdprWorld, needles, TARGET, type GdprWorld } from '../helpers/gdpr.js';
import { STORE_KINDS } from '../helpers/store.js';

const runsOf = (v: RequestView) => Object.fromEntries(v.steps.map((s) => [s.step, s.runs]));
const stateOf = (v: RequestView) => Object.fromEntries(v.steps.map((s) => [s.step, s.state]));

describe.each(STORE_KINDS)('resuming an erasure (%s)', (kind) => {
  let w: GdprWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('Chatwoot down: partial; resume after it returns completes it, and no finished step runs twice', async () => {
    w = await createGdprWorld(kind);
    await w.chatwoot.stop();
    const first = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(first.state).toBe('partial');
    expect(stateOf(first)).toEqual({
      erp: 'done',
      webhook: 'done',
      memory: 'done',
      chatwoot: 'retry',
      redis: 'done',
      store: 'done',
    });
    expect(first.steps[3]).toMatchObject({
      attempts: 2,
      detail: expect.stringContaining('Chatwoot unreachable'),
    });
    expect(first.next_attempt_at).not.toBeNull();
    expect(w.chatwoot.contacts.size).toBe(4);

    await w.chatwoot.start();
    const second = await resumeErasure(w.ctx, w.deps(), first.request_id);
    expect(second.state).toBe('completed');
    expect(runsOf(second)).toEqual({
      erp: 1,
      webhook: 1,
      memory: 1,
      chatwoot: 2,
      redis: 1,
      store: 1,
    });
    expect(second.runs).toBe(2);
    // Each contact deleted exactly once, one customer.deleted event, nothing of the customer left.
    expect([...w.chatwoot.deletes.values()]).toEqual([1, 1]);
    expect(w.chatwoot.calls.delete).toBe(2);
    expect(w.notifier.published).toHaveLength(1);
    expect(await w.traces(needles(TARGET))).toEqual({});
    expect(await w.idTraces(TARGET.id)).toEqual({});
    const steps = (await queryAudit(w.ctx, { since: '1h', kind: 'admin', limit: 100 }))
      .filter((r) => r.resource_id === first.request_id)
      .map((r) => r.route);
    for (const s of ['erp', 'webhook', 'memory', 'redis', 'store'])
      expect(
        steps.filter((r) => r === `gdpr.step.${s}`),
        s,
      ).toHaveLength(1);
    expect(steps.filter((r) => r === 'gdpr.step.chatwoot')).toHaveLength(2);

    // A completed request is left as it is.
    const third = await resumeErasure(w.ctx, w.deps(), first.request_id);
    expect(third).toEqual(second);
    expect(w.chatwoot.calls.delete).toBe(2);
  });

  it("a contact online (422) is retried later, and its name (in Chatwoot's message) is never recorded", async () => {
    w = await createGdprWorld(kind);
    w.chatwoot.online.add(w.contacts.target.id);
    const first = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(first.state).toBe('partial');
    expect(first.steps[3]).toMatchObject({ state: 'retry', counts: { contacts: 1 } });
    expect(first.steps[3]?.detail).toContain(`#${w.contacts.target.id}`);
    expect(first.steps[3]?.detail).toContain('online');
    expect(JSON.stringify(await erasureReceipt(w.ctx, first.request_id))).not.toContain(
      TARGET.name,
    );
    expect(w.chatwoot.contacts.has(w.contacts.targetByPhone.id)).toBe(false);

    w.chatwoot.online.clear();
    const second = await resumeErasure(w.ctx, w.deps(), first.request_id);
    expect(second.state).toBe('completed');
    expect(second.steps[3]).toMatchObject({ state: 'done', runs: 2, counts: { contacts: 2 } });
    expect(w.chatwoot.deletes.get(w.contacts.targetByPhone.id)).toBe(1);
  });

  it('a runner that died holding the request is taken over at once; a live one is refused', async () => {
    w = await createGdprWorld(kind);
    w.notifier.mode = 'hold';
    const first = await requestErasure(w.ctx, w.deps(), {
      customer_id: TARGET.id,
      reason: 'user_request',
    });
    expect(first.state).toBe('partial');
    const lease = new Date(Date.now() + 60_000);
    // As a live process in the middle of its run would leave it.
    await w.ctx.db.query(
      `UPDATE kgc_support.gdpr_requests SET state = 'running', owner = $2, lease_until = $3 WHERE id = $1`,
      [first.request_id, `${process.pid}@${hostname()}#live`, lease],
    );
    await expect(resumeErasure(w.ctx, w.deps(), first.request_id)).rejects.toMatchObject({
      code: 'gdpr_request_busy',
    });
    // As a killed process leaves it: its pid is gone, its lease not over yet.
    await w.ctx.db.query(`UPDATE kgc_support.gdpr_requests SET owner = $2 WHERE id = $1`, [
      first.request_id,
      `2147480000@${hostname()}#dead`,
    ]);
    w.notifier.mode = 'deliver';
    for (const id of w.notifier.states.keys()) w.notifier.states.set(id, 'delivered');
    const resumed = await resumeErasure(w.ctx, w.deps(), first.request_id);
    expect(resumed.state).toBe('completed');
    expect(runsOf(resumed)).toEqual({
      erp: 1,
      webhook: 2,
      memory: 1,
      chatwoot: 1,
      redis: 1,
      store: 1,
    });
    expect(w.notifier.published.map((e) => e.id)).toEqual([
      first.steps[1]?.ref,
      first.steps[1]?.ref,
    ]);
  });

  it('refuses an unknown or malformed request id clearly', async () => {
    w = await createGdprWorld(kind);
    await expect(resumeErasure(w.ctx, w.deps(), 'gdpr_00000000000000000000')).rejects.toMatchObject(
      { code: 'gdpr_request_not_found' },
    );
    await expect(resumeErasure(w.ctx, w.deps(), "x' OR 1=1 --")).rejects.toMatchObject({
      code: 'gdpr_request_not_found',
    });
  });
});
