import { eventsShow as showOp } from '../../events/events.ops.js';
import type { EventInfo } from '../../events/events.schema.js';
import { KgcError } from '../../errors/kgc-error.js';
import {
  dlqList as listOp,
  dlqPurge as purgeOp,
  dlqReplay as replayOp,
} from '../../webhooks/webhooks.ops.js';
import type { DlqSelector } from '../../webhooks/dlq.schema.js';
import { canPrompt, outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { table, type Output } from '../output.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon, type DaemonRef } from '../target.js';

export interface DlqFilterOptions {
  type?: string;
  since?: string;
  until?: string;
  all?: boolean;
  dryRun?: boolean;
}

/** Ids per admin call: long replays advance in steps, each audited, with progress. */
const CHUNK = 500;
const time = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');
const cut = (s: string | null, n: number) =>
  s === null ? '-' : s.length > n ? `${s.slice(0, n - 1)}…` : s;

/** The event list table, shared by `dlq list` and `events list`. */
export function eventTable(out: Output, rows: readonly EventInfo[]): string {
  return table(
    ['ID', 'EVENT', 'STATUS', 'PUBLISHED', 'ATTEMPTS', 'LAST', 'ERROR'],
    rows.map((e) => [
      e.id,
      e.event,
      e.status,
      time(e.created_at),
      String(e.attempts),
      e.last_status === null ? '-' : String(e.last_status),
      cut(e.last_error, 60),
    ]),
    out.style,
  );
}

export async function dlqList(
  io: CliIO,
  g: GlobalOptions,
  o: { type?: string; since?: string; until?: string; limit: number },
): Promise<void> {
  const out = outputFor(io, g);
  if (!Number.isInteger(o.limit) || o.limit < 1)
    throw new KgcError('usage', '--limit is a positive number');
  const { result: rows } = await runTargetedOp(
    listOp,
    {
      limit: o.limit,
      ...(o.type ? { type: o.type } : {}),
      ...(o.since ? { since: o.since } : {}),
      ...(o.until ? { until: o.until } : {}),
    },
    io,
    g,
  );
  out.result(rows, () =>
    rows.length === 0
      ? 'The dead-letter queue is empty.'
      : `${eventTable(out, rows)}\n\nReplay with: kgc-support dlq replay <id> | --type <type> | --since <when> | --all`,
  );
}

export async function dlqShow(io: CliIO, g: GlobalOptions, id: string): Promise<void> {
  const out = outputFor(io, g);
  const { result: d, daemon } = await runTargetedOp(showOp, { id }, io, g);
  out.result(withDaemon(d, daemon), () => {
    const e = d.event;
    const head = [
      `${out.style.bold(e.id)}  ${e.event}  ${e.status}${e.in_flight ? ' (in flight)' : ''}`,
      `published ${time(e.created_at)} via ${e.source}; occurred ${time(e.occurred_at)}`,
      `attempts ${e.attempts}, failures ${e.failures}, replays ${e.replays}${e.next_attempt_at ? `; next attempt ${time(e.next_attempt_at)}` : ''}`,
      e.last_error ? `last error: ${e.last_error}` : '',
      `data: ${JSON.stringify(d.data)}`,
    ].filter(Boolean);
    const attempts =
      d.history.length === 0
        ? 'No attempts yet.'
        : table(
            ['#', 'AT', 'OUTCOME', 'STATUS', 'MS', 'ANSWER / ERROR'],
            d.history.map((a) => [
              String(a.attempt),
              time(a.at),
              a.outcome,
              a.status === null ? '-' : String(a.status),
              a.duration_ms.toFixed(1),
              cut(a.error ?? a.response, 70),
            ]),
            out.style,
          );
    return `${head.join('\n')}\n\n${attempts}`;
  });
}

function selector(ids: string[], o: DlqFilterOptions): DlqSelector {
  return {
    ...(ids.length ? { ids } : {}),
    ...(o.type ? { type: o.type } : {}),
    ...(o.since ? { since: o.since } : {}),
    ...(o.until ? { until: o.until } : {}),
    ...(o.all ? { all: true } : {}),
  };
}

/** Runs `op` over the selected ids in chunks, with a progress line on stderr for long runs. */
async function inChunks<T>(
  out: Output,
  verb: string,
  ids: readonly string[],
  run: (chunk: string[]) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  const tty = out.io.stderrIsTTY;
  for (let i = 0; i < ids.length; i += CHUNK) {
    results.push(await run(ids.slice(i, i + CHUNK)));
    const done = Math.min(ids.length, i + CHUNK);
    if (ids.length > CHUNK && !out.json) {
      if (tty)
        out.io.writeErr(`\r${verb} ${done}/${ids.length}…${done === ids.length ? '\n' : ''}`);
      else out.info(`${verb} ${done}/${ids.length}`);
    }
  }
  return results;
}

const followFlag = (d: DaemonRef): string =>
  'franchise' in d ? ` --franchise ${d.franchise}` : '';

function skippedSummary(skipped: readonly { id: string; reason: string }[]): string {
  if (skipped.length === 0) return '';
  const by = new Map<string, number>();
  for (const s of skipped) by.set(s.reason, (by.get(s.reason) ?? 0) + 1);
  return `; skipped ${skipped.length} (${[...by].map(([r, n]) => `${n} ${r}`).join(', ')})`;
}

export async function dlqReplay(
  io: CliIO,
  g: GlobalOptions,
  ids: string[],
  o: DlqFilterOptions,
): Promise<void> {
  const out = outputFor(io, g);
  const { result: plan, daemon } = await runTargetedOp(
    replayOp,
    { ...selector(ids, o), dry_run: true },
    io,
    g,
  );
  if (o.dryRun || plan.replayed.length === 0) {
    out.result(
      withDaemon(plan, daemon),
      () =>
        `${plan.replayed.length === 0 ? 'Nothing to replay' : `Would replay ${plan.replayed.length} event(s)`}${skippedSummary(plan.skipped)}.${plan.replayed.length && plan.replayed.length <= 50 ? `\n${plan.replayed.join('\n')}` : ''}`,
    );
    return;
  }
  const parts = await inChunks(
    out,
    'replaying',
    plan.replayed,
    async (chunk) => (await runTargetedOp(replayOp, { ids: chunk }, io, g)).result,
  );
  const result = {
    dry_run: false,
    matched: plan.matched,
    replayed: parts.flatMap((p) => p.replayed),
    skipped: [...plan.skipped, ...parts.flatMap((p) => p.skipped)],
  };
  out.result(
    withDaemon(result, daemon),
    () =>
      `Replayed ${result.replayed.length} event(s)${skippedSummary(result.skipped)} on ${describeDaemon(daemon)}, which delivers them now; follow with: kgc-support dlq list${followFlag(daemon)}`,
  );
}

export async function dlqPurge(
  io: CliIO,
  g: GlobalOptions,
  ids: string[],
  o: DlqFilterOptions,
): Promise<void> {
  const out = outputFor(io, g);
  const { result: plan, daemon } = await runTargetedOp(
    purgeOp,
    { ...selector(ids, o), dry_run: true },
    io,
    g,
  );
  if (o.dryRun || plan.purged.length === 0) {
    out.result(
      withDaemon(plan, daemon),
      () =>
        `${plan.purged.length === 0 ? 'Nothing to purge' : `Would delete ${plan.purged.length} event(s) and their attempts`}${skippedSummary(plan.skipped)}.`,
    );
    return;
  }
  if (!g.yes) {
    if (!canPrompt(io, g))
      throw new KgcError(
        'confirmation_required',
        `purging deletes ${plan.purged.length} event(s) for good: pass --yes to confirm`,
      );
    const { confirm } = await import('@inquirer/prompts');
    if (
      !(await confirm({
        message: `Delete ${plan.purged.length} dead-lettered event(s) and their attempts for good?`,
        default: false,
      }))
    ) {
      out.info('Nothing deleted.');
      return;
    }
  }
  const parts = await inChunks(
    out,
    'purging',
    plan.purged,
    async (chunk) => (await runTargetedOp(purgeOp, { ids: chunk }, io, g)).result,
  );
  const result = {
    dry_run: false,
    purged: parts.flatMap((p) => p.purged),
    skipped: [...plan.skipped, ...parts.flatMap((p) => p.skipped)],
  };
  out.result(
    withDaemon(result, daemon),
    () =>
      `Deleted ${result.purged.length} event(s) from the dead-letter queue of ${describeDaemon(daemon)}${skippedSummary(result.skipped)}.`,
  );
}
