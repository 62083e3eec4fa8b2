import { writeFileSync } from 'node:fs';
import { KgcError } from '../../errors/kgc-error.js';
import { validateCustomerId, validateReason } from '../../formats/customer-id.js';
import { gdprOps } from '../../gdpr/gdpr.ops.js';
import type {
  Counts,
  Plan,
  Receipt,
  RequestState,
  RequestView,
  SubjectAccess,
} from '../../gdpr/gdpr.schema.js';
import { canPrompt, outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { table, type Output, type Style } from '../output.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon, type DaemonRef } from '../target.js';

const STATES: readonly RequestState[] = ['received', 'running', 'completed', 'partial', 'failed'];
const time = (iso: string | null): string => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');
const counts = (c: Counts): string =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '-';

function mark(state: string, s: Style): string {
  if (state === 'done' || state === 'completed') return s.green(state);
  if (state === 'skipped') return s.cyan(state);
  if (state === 'failed') return s.red(state);
  if (state === 'retry' || state === 'partial') return s.yellow(state);
  return state;
}

function planText(out: Output, p: Plan): string {
  const rows = p.steps.map((s) => [String(s.position), s.step, s.action, s.summary]);
  const items = p.steps
    .filter((s) => s.items.length > 0)
    .map((s) => `  ${s.step}: ${s.items.join(', ')}`);
  return [
    `${out.style.bold('Dry run')}: erasing ${p.customer_id} (ERP mode ${p.erase_mode}) would do this; nothing was touched.`,
    table(['#', 'STEP', 'ACTION', 'WHAT'], rows, out.style),
    ...(items.length ? ['', ...items] : []),
  ].join('\n');
}

function requestText(out: Output, r: RequestView, daemon: DaemonRef): string {
  const head =
    `Erasure request ${out.style.bold(r.request_id)} on ${describeDaemon(daemon)}: ${mark(r.state, out.style)}` +
    ` ${out.style.dim(`(reason ${r.reason}, ERP mode ${r.erase_mode}, received ${time(r.received_at)} UTC, runs ${r.runs})`)}`;
  const steps = table(
    ['#', 'STEP', 'STATE', 'ATTEMPTS', 'ERASED', 'DETAIL'],
    r.steps.map((s) => [
      String(s.position),
      s.step,
      mark(s.state, out.style),
      String(s.attempts),
      counts(s.counts),
      s.detail ?? '-',
    ]),
    out.style,
  );
  const tail =
    r.state === 'completed'
      ? `Every step verified. Receipt: kgc-support gdpr receipt ${r.request_id} --json`
      : r.state === 'running' || r.state === 'received'
        ? 'In progress.'
        : `Not finished: fix what the details say, then kgc-support gdpr resume ${r.request_id}` +
          (r.next_attempt_at
            ? ` (a running daemon retries it by itself from ${time(r.next_attempt_at)} UTC)`
            : '');
  return [head, steps, tail].join('\n');
}

/** Exit 1 for a request left partial or failed: it is recorded, but the customer is not fully erased yet. */
function exitFor(io: CliIO, r: RequestView): void {
  if (r.state === 'partial' || r.state === 'failed') io.exitCode = 1;
}

async function confirm(
  io: CliIO,
  g: GlobalOptions,
  out: Output,
  customerId: string,
  reason: string,
): Promise<boolean> {
  if (g.yes) return true;
  if (!canPrompt(io, g))
    throw new KgcError(
      'usage',
      `erasing ${customerId} cannot be undone: pass --yes to confirm (or --dry-run to see what it would erase)`,
    );
  const { result: plan } = await runTargetedOp(gdprOps.plan, { customer_id: customerId }, io, g);
  io.writeErr(`${planText(out, plan)}\n\n`);
  const { confirm: ask } = await import('@inquirer/prompts');
  return ask({
    message: `Erase customer ${customerId} (reason ${reason}) from every system? This cannot be undone.`,
    default: false,
  });
}

export async function gdprDelete(
  io: CliIO,
  g: GlobalOptions,
  customerIdArg: string,
  o: { reason: string; dryRun?: boolean },
): Promise<void> {
  const out = outputFor(io, g);
  // Refused here already, before the id reaches a store, a file name, a pattern or a URL.
  const customerId = validateCustomerId(customerIdArg);
  const reason = validateReason(o.reason);
  if (o.dryRun) {
    const { result: plan, daemon } = await runTargetedOp(
      gdprOps.plan,
      { customer_id: customerId },
      io,
      g,
    );
    out.result(withDaemon(plan, daemon), () => planText(out, plan));
    return;
  }
  if (!(await confirm(io, g, out, customerId, reason))) {
    out.info('Nothing erased.');
    return;
  }
  const { result: view, daemon } = await runTargetedOp(
    gdprOps.delete,
    { customer_id: customerId, reason },
    io,
    g,
  );
  out.result(withDaemon(view, daemon), () => requestText(out, view, daemon));
  exitFor(io, view);
}

export async function gdprStatus(
  io: CliIO,
  g: GlobalOptions,
  requestId: string | undefined,
  o: { customer?: string; state?: string; limit: number },
): Promise<void> {
  const out = outputFor(io, g);
  if (o.state !== undefined && !(STATES as readonly string[]).includes(o.state))
    throw new KgcError('usage', `--state is one of ${STATES.join(', ')}`);
  if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > 1000)
    throw new KgcError('usage', '--limit is a number from 1 to 1000');
  const input = {
    limit: o.limit,
    ...(requestId ? { request_id: requestId } : {}),
    ...(o.state ? { state: o.state as RequestState } : {}),
    ...(o.customer ? { customer_id: validateCustomerId(o.customer) } : {}),
  };
  const { result: views, daemon } = await runTargetedOp(gdprOps.status, input, io, g);
  if (requestId) {
    const view = views[0] as RequestView;
    out.result(withDaemon(view, daemon), () => requestText(out, view, daemon));
    return;
  }
  out.result(views, () =>
    views.length === 0
      ? 'No erasure requests.'
      : table(
          ['REQUEST', 'STATE', 'REASON', 'SOURCE', 'RECEIVED (UTC)', 'STEPS'],
          views.map((v) => [
            v.request_id,
            mark(v.state, out.style),
            v.reason,
            v.source,
            time(v.received_at),
            v.steps.map((s) => `${s.step}:${s.state}`).join(' '),
          ]),
          out.style,
        ),
  );
}

export async function gdprResume(io: CliIO, g: GlobalOptions, requestId: string): Promise<void> {
  const out = outputFor(io, g);
  const { result: view, daemon } = await runTargetedOp(
    gdprOps.resume,
    { request_id: requestId },
    io,
    g,
  );
  out.result(withDaemon(view, daemon), () => requestText(out, view, daemon));
  exitFor(io, view);
}

export async function gdprReceipt(io: CliIO, g: GlobalOptions, requestId: string): Promise<void> {
  const out = outputFor(io, g);
  const { result: receipt }: { result: Receipt } = await runTargetedOp(
    gdprOps.receipt,
    { request_id: requestId },
    io,
    g,
  );
  out.result(receipt, () => JSON.stringify(receipt, null, 2));
}

/** gdpr export: the document on stdout (--json) or in a new 0600 file (--output), a summary for people. */
export async function gdprExport(
  io: CliIO,
  g: GlobalOptions,
  customerId: string,
  o: { output?: string },
): Promise<void> {
  const out = outputFor(io, g);
  validateCustomerId(customerId);
  const { result: doc, daemon }: { result: SubjectAccess; daemon: DaemonRef | undefined } =
    await runTargetedOp(gdprOps.export, { customer_id: customerId }, io, g);
  if (o.output !== undefined) {
    try {
      writeFileSync(o.output, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new KgcError('usage', `${o.output} exists: the export never overwrites a file`);
      throw err;
    }
  }
  out.result(doc, () =>
    [
      `Access request for ${doc.customer_id} on ${describeDaemon(daemon)}, ${doc.complete ? 'every system read' : out.style.red('NOT complete: a system could not be read')}:`,
      table(
        ['SYSTEM', 'STATUS', 'WHAT'],
        doc.systems.map((s) => [s.system, s.status, s.detail]),
        out.style,
      ),
      o.output !== undefined
        ? `The document is in ${o.output} (mode 0600). It holds personal data: hand it over, keep no copy.`
        : 'The document itself: --output <file>, or --json for stdout.',
    ].join('\n'),
  );
  if (!doc.complete) io.exitCode = 1;
}
