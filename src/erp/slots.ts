/** Whether a requested appointment slot is bookable at a location: a pure function. */
import { KgcError } from '../errors/kgc-error.js';
import { localParts, minutesOf } from './local-time.js';

export interface LocationHours {
  id: string;
  opens_at: string; // "08:00:00"
  closes_at: string; // "17:00:00"
  open_days: string; // "12345"
  slot_minutes: number;
}

export const MAX_DAYS_AHEAD = 180;

export function validateSlot(
  slotStart: string,
  loc: LocationHours,
  now: number,
  tz: string,
): { start: Date; end: Date } {
  const startMs = Date.parse(slotStart);
  if (Number.isNaN(startMs))
    throw new KgcError('invalid_slot', `slot_start "${slotStart}" is not a date-time`);
  if (startMs <= now) throw new KgcError('invalid_slot', 'slot_start is in the past');
  if (startMs > now + MAX_DAYS_AHEAD * 86_400_000)
    throw new KgcError('invalid_slot', `slot_start is more than ${MAX_DAYS_AHEAD} days ahead`);
  const local = localParts(startMs, tz);
  const opens = minutesOf(loc.opens_at);
  const closes = minutesOf(loc.closes_at);
  const hours = `${loc.opens_at.slice(0, 5)}-${loc.closes_at.slice(0, 5)}`;
  if (!loc.open_days.includes(String(local.weekday))) {
    throw new KgcError(
      'invalid_slot',
      `location ${loc.id} takes no appointments on that day (open days ${loc.open_days}, 1 = Monday)`,
    );
  }
  if (
    local.second !== 0 ||
    startMs % 1000 !== 0 ||
    (local.minuteOfDay - opens) % loc.slot_minutes !== 0
  ) {
    throw new KgcError(
      'invalid_slot',
      `slots at ${loc.id} start every ${loc.slot_minutes} minutes from ${loc.opens_at.slice(0, 5)}`,
    );
  }
  if (local.minuteOfDay < opens || local.minuteOfDay + loc.slot_minutes > closes) {
    throw new KgcError('invalid_slot', `location ${loc.id} books appointments ${hours} (${tz})`);
  }
  return { start: new Date(startMs), end: new Date(startMs + loc.slot_minutes * 60_000) };
}
