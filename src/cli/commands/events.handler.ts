import { readFileSync } from 'node:fs';
import { eventsPublish as publishOp, eventsStats as statsOp } from '../../events/events.ops.js';
import { KgcError } from '../../errors/kgc-error.js';
import { EventStatus } from '../../events/events.schema.js';
import { eventsList as listOp } from '../../events/recent.js';
import { Value } from '@sinclair/typebox/value';
import { eventTable } from './dlq.handler.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon } from '../target.js';

async function readData(arg: string): Promise<Record<string, unknown>> {
  let text = arg;
  if (arg === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else if (arg.startsWith('@')) {
    try {
      text = readFileSync(arg.slice(1), 'utf8');
    } catch (err) {
      throw new KgcError('usage', `--data ${arg}: ${(err as Error).message}`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new KgcError('invalid_json', '--data is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new KgcError('invalid_event', '--data must be a JSON object');
  return data as Record<string, unknown>;
}

export async function eventsPublish(
  io: CliIO,
  g: GlobalOptions,
  o: { type: string; data: string; id?: string; occurredAt?: string },
): Promise<void> {
  const out = outputFor(io, g);
  const data = await readData(o.data);
  const { result: res, daemon } = await runTargetedOp(
    publishOp,
    {
      event: o.type,
      data,
      ...(o.id ? { id: o.id } : {}),
      ...(o.occurredAt ? { occurred_at: o.occurredAt } : {}),
    },
    io,
    g,
  );
  const where = describeDaemon(daemon);
  out.result(withDaemon(res, daemon), () => {
    const e = res.event;
    if (res.replayed)
      return `Event ${e.id} was already published (${e.status}) on ${where}; nothing changed.`;
    if (e.status === 'skipped')
      return `Event ${e.id} (${e.event}) recorded as ${out.style.yellow('skipped')} on ${where}: the Support module is disabled, it will not be sent.`;
    return `Event ${e.id} (${e.event}) published on ${where}; the daemon delivers it to Support.`;
  });
}

export async function eventsStats(io: CliIO, g: GlobalOptions): Promise<void> {
  const out = outputFor(io, g);
  const { result: s, daemon } = await runTargetedOp(statsOp, {}, io, g);
  out.result(withDaemon(s, daemon), () =>
    [
      `pending      ${s.pending} (${s.in_flight} in flight)`,
      `dead         ${s.dead}${s.dead > 0 ? out.style.yellow('  → kgc-support dlq list') : ''}`,
      `rejected     ${s.rejected}`,
      `oldest       ${s.oldest_pending_at ? `${s.oldest_pending_at} (${Math.round(s.oldest_pending_age_s ?? 0)} s ago)` : '-'}`,
    ].join('\n'),
  );
}

export async function eventsList(
  io: CliIO,
  g: GlobalOptions,
  o: { status?: string; type?: string; limit: number },
): Promise<void> {
  const out = outputFor(io, g);
  if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > 1000)
    throw new KgcError('usage', '--limit is a number from 1 to 1000');
  const status = o.status;
  if (status !== undefined && !Value.Check(EventStatus, status))
    throw new KgcError(
      'usage',
      `--status ${status}: one of pending, delivered, dead, skipped, rejected`,
    );
  const { result: rows, daemon } = await runTargetedOp(
    listOp,
    { limit: o.limit, ...(status ? { status } : {}), ...(o.type ? { type: o.type } : {}) },
    io,
    g,
  );
  out.result(rows, () =>
    rows.length === 0
      ? `No events on ${describeDaemon(daemon)}${status || o.type ? ' that match' : ''}.`
      : `${eventTable(out, rows)}\n\nOne event with its attempts: kgc-support events show <id>`,
  );
}
