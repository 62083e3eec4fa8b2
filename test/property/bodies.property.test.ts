/**
 * Every JSON body, mutated any way: a booking and an event of each catalogue type,
 * with values replaced, keys removed or added. Each answer is either an acceptance
 * (the row written once, as normalised data) or a refusal with a problem document
 * and no row written; never a 5xx. Rows are counted before and after each request.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/context/clock.js';
import { EVENT_TYPES } from '../../src/events/catalogue.js';
import { bearer, createTestApi, type TestApi } from '../helpers/api.js';
import { SAMPLES } from '../helpers/webhooks.js';
import { expectNoServerError } from './http.js';
import { mutate, mutations } from './mutate.js';
import { runs } from './runs.js';

// Wednesday 2030-01-02 10:00 UTC; bookings go into the next four weeks.
const NOW = Date.parse('2030-01-02T10:00:00Z');

describe('JSON bodies (property, pglite)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi('pglite', {
      clock: manualClock(NOW),
      env: { KGC_SUPPORT_RATE_LIMIT: '1000000/s' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async (table: string) =>
    Number(
      (await t.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n,
    );

  const post = (url: string, key: string, body: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: JSON.stringify(body) ?? 'null',
    });

  let seq = 0;

  it('an event of any type, mutated any way: accepted once and readable, or refused with nothing stored', async () => {
    const seen = { accepted: 0, replayed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EVENT_TYPES), mutations, async (type, ms) => {
        const valid = { id: `prop-${++seq}`, event: type, data: SAMPLES[type] };
        const body = mutate(valid, ms);
        const before = await count('kgc_support.events');
        const res = await post('/api/events', t.keys.publish, body);
        const after = await count('kgc_support.events');
        const what = `POST /api/events ${JSON.stringify(body)?.slice(0, 300)}`;
        expectNoServerError(res, what);
        if (res.statusCode === 202) {
          seen.accepted++;
          expect([what, after - before]).toEqual([what, 1]);
          const stored = await t.app.inject({
            method: 'GET',
            url: res.headers.location as string,
            headers: bearer(t.keys.publish),
          });
          expect([what, stored.statusCode, stored.json().id]).toEqual([what, 200, res.json().id]);
        } else {
          if (res.statusCode === 200) seen.replayed++;
          else seen.refused++;
          expect([what, res.statusCode]).toEqual([
            what,
            expect.toSatisfy((s: number) => s === 200 || (s >= 400 && s < 500)),
          ]);
          expect([what, after - before]).toEqual([what, 0]);
        }
      }),
      runs(400),
    );
    // The mutations reach both sides of the door.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('a booking mutated any way: booked once with a normalised slot, or refused with no row', async () => {
    const seen = { booked: 0, refused: 0 };
    const valid = fc
      .record({
        day: fc.integer({ min: 5, max: 33 }),
        minutes: fc.integer({ min: 7 * 2, max: 18 * 2 }).map((h) => h * 30),
        who: fc.constantFrom(
          { customer_id: 'C-456' },
          { customer_phone: '06 30 123 4567' },
          { customer_name: 'Új Ügyfél', customer_phone: '+36 20 555 1234' },
          {},
        ),
        note: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      })
      .map(({ day, minutes, who, note }) => {
        const start = new Date(Date.UTC(2030, 0, day, 0, minutes) - 3_600_000);
        return {
          location_id: 'BP-01',
          slot_start: start.toISOString().replace('.000Z', '+00:00'),
          ...who,
          ...(note !== undefined ? { note } : {}),
        };
      });
    await fc.assert(
      fc.asyncProperty(valid, fc.oneof(fc.constant([]), mutations), async (booking, ms) => {
        const body = mutate(booking, ms);
        const before = await count('kgc_erp.appointments');
        const res = await post('/api/service/appointments', t.keys.appointments, body);
        const after = await count('kgc_erp.appointments');
        const what = `POST /api/service/appointments ${JSON.stringify(body)?.slice(0, 300)}`;
        expectNoServerError(res, what);
        if (res.statusCode === 201) {
          seen.booked++;
          expect([what, after - before]).toEqual([what, 1]);
          expect([what, res.json().slot_start]).toEqual([
            what,
            expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          ]);
        } else {
          seen.refused++;
          expect([what, res.statusCode >= 400, after - before]).toEqual([what, true, 0]);
        }
      }),
      runs(300),
    );
    expect(seen.booked).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
