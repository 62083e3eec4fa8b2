import {
  secretsActivateWebhook as activateOp,
  secretsList as listOp,
  secretsRotateWebhook as rotateOp,
  webhookTest as testOp,
} from '../../webhooks/webhooks.ops.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { table } from '../output.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon } from '../target.js';

const time = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '-');

export async function secretsRotate(
  io: CliIO,
  g: GlobalOptions,
  o: { grace: string; activateAt?: string },
): Promise<void> {
  const out = outputFor(io, g);
  const input = { grace: o.grace, ...(o.activateAt ? { activate_at: o.activateAt } : {}) };
  const { result: res, daemon } = await runTargetedOp(rotateOp, input, io, g);
  const at = res.current.activates_at;
  out.result(withDaemon(res, daemon), () =>
    [
      `${out.style.bold('Webhook secret')} ${res.current.id} ${out.style.dim(`(made by ${describeDaemon(daemon)})`)}`,
      '',
      `  ${res.secret}`,
      '',
      out.style.yellow(
        'This is the only time it is shown. Put it in SUPPORT_WEBHOOK_SECRET of the .env Support and the daemon share.',
      ),
      `It signs webhook-signature from now on. X-KGC-Signature ${
        at === null
          ? `keeps the previous secret until: kgc-support secrets activate-webhook`
          : res.current.status === 'current'
            ? 'uses it from now on'
            : `switches to it at ${time(at)}`
      }.`,
      res.previous.length
        ? `The previous secret(s) ${res.previous.map((p) => p.id).join(', ')} keep signing webhook-signature ${
            at === null
              ? `until ${o.grace} after the activation`
              : `until ${time(res.previous[0]?.expires_at ?? null)}`
          }.`
        : 'No previous secret keeps signing: receivers must switch now.',
    ].join('\n'),
  );
}

export async function secretsActivate(
  io: CliIO,
  g: GlobalOptions,
  o: { id?: string; grace?: string },
): Promise<void> {
  const out = outputFor(io, g);
  const input = { ...(o.id ? { id: o.id } : {}), ...(o.grace ? { grace: o.grace } : {}) };
  const { result: res, daemon } = await runTargetedOp(activateOp, input, io, g);
  out.result(withDaemon(res, daemon), () =>
    [
      `${out.style.green('✔')} Webhook secret ${res.current.id} signs X-KGC-Signature from now on (${describeDaemon(daemon)}).`,
      res.previous.length
        ? `The previous secret(s) ${res.previous.map((p) => p.id).join(', ')} keep signing webhook-signature until ${time(res.previous[0]?.expires_at ?? null)}.`
        : 'No previous secret keeps signing.',
    ].join('\n'),
  );
}

export async function secretsList(io: CliIO, g: GlobalOptions): Promise<void> {
  const out = outputFor(io, g);
  const { result: rows } = await runTargetedOp(listOp, {}, io, g);
  out.result(rows, () =>
    rows.length === 0
      ? 'No webhook secret yet: the daemon makes one at start (or imports SUPPORT_WEBHOOK_SECRET).'
      : table(
          ['ID', 'STATUS', 'SOURCE', 'FINGERPRINT', 'CREATED', 'ACTIVE FROM', 'EXPIRES'],
          rows.map((s) => [
            s.id,
            s.status,
            s.source,
            s.fingerprint,
            time(s.created_at),
            s.activates_at ? time(s.activates_at) : 'on activate-webhook',
            time(s.expires_at),
          ]),
          out.style,
        ),
  );
}

export async function webhookTest(io: CliIO, g: GlobalOptions): Promise<void> {
  const out = outputFor(io, g);
  const { result: res, daemon } = await runTargetedOp(testOp, {}, io, g);
  out.result(withDaemon(res, daemon), () =>
    res.ok
      ? `${out.style.green('✔')} ${res.url} answered ${res.status} in ${res.duration_ms} ms (sent by ${describeDaemon(daemon)}, signed with ${res.signatures} secret(s)).`
      : `${out.style.red('✖')} ${res.url}: ${res.status === null ? `no answer (${res.error})` : `HTTP ${res.status}`} after ${res.duration_ms} ms${res.response ? `\n  ${res.response.slice(0, 200)}` : ''}\n  ${out.style.dim('Check SUPPORT_API_URL, that Support runs, and that it has the same SUPPORT_WEBHOOK_SECRET.')}`,
  );
  if (!res.ok) io.exitCode = 1;
}
