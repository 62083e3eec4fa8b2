import { auditQuery } from '../../audit/audit.ops.js';
import type { AuditKind } from '../../audit/audit.schema.js';
import { KgcError } from '../../errors/kgc-error.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { table } from '../output.js';
import { runTargetedOp } from '../run-op.js';

const isAuditKind = (k: string): k is AuditKind =>
  k === 'api' || k === 'admin' || k === 'notification';

export async function audit(
  io: CliIO,
  g: GlobalOptions,
  o: {
    since: string;
    until?: string;
    key?: string;
    route?: string;
    kind?: string;
    resource?: string;
    status?: number;
    limit: number;
  },
): Promise<void> {
  const out = outputFor(io, g);
  const kind = o.kind;
  if (kind !== undefined && !isAuditKind(kind))
    throw new KgcError('usage', '--kind is api, admin or notification');
  if (o.status !== undefined && !Number.isInteger(o.status))
    throw new KgcError('usage', '--status is an HTTP status such as 401');
  if (!Number.isInteger(o.limit) || o.limit < 1)
    throw new KgcError('usage', '--limit is a positive number');
  const input = {
    since: o.since,
    limit: o.limit,
    ...(o.until ? { until: o.until } : {}),
    ...(o.key ? { key: o.key } : {}),
    ...(o.route ? { route: o.route } : {}),
    ...(kind ? { kind } : {}),
    ...(o.resource ? { resource: o.resource } : {}),
    ...(o.status !== undefined ? { status: o.status } : {}),
  };
  const { result: rows } = await runTargetedOp(auditQuery, input, io, g);
  out.result(rows, () =>
    rows.length === 0
      ? `No audit rows since ${o.since}.`
      : table(
          ['TIME', 'KIND', 'KEY / ACTOR', 'ROUTE', 'RESOURCE', 'STATUS', 'MS', 'REQUEST ID'],
          rows.map((r) => [
            r.at.replace('T', ' ').slice(0, 23),
            r.kind,
            r.key_id ?? r.actor ?? '-',
            `${r.method ? `${r.method} ` : ''}${r.route}`,
            r.resource_id ?? '-',
            r.status === null ? '-' : String(r.status),
            r.latency_ms === null ? '-' : r.latency_ms.toFixed(1),
            r.request_id ?? '-',
          ]),
          out.style,
        ),
  );
}
