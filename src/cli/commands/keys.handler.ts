import type { KeyInfo } from '../../keys/keys.schema.js';
import { KgcError } from '../../errors/kgc-error.js';
import { canPrompt } from '../globals.js';
import {
  keysImport as importOp,
  keysCreate as createOp,
  keysExpiring as expiringOp,
  keysList as listOp,
  keysRevoke as revokeOp,
  keysRotate as rotateOp,
  keysShow as showOp,
  keysUpdate as updateOp,
} from '../../keys/keys.ops.js';
import type { GlobalOptions } from '../globals.js';
import { outputFor } from '../globals.js';
import type { CliIO } from '../io.js';
import { table, type Output } from '../output.js';
import { runTargetedOp } from '../run-op.js';
import { describeDaemon, withDaemon } from '../target.js';

const day = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

function keyTable(out: Output, keys: readonly KeyInfo[]): string {
  return table(
    ['ID', 'NAME', 'PREFIX', 'SCOPES', 'STATUS', 'EXPIRES', 'LAST USED'],
    keys.map((k) => [
      k.id,
      k.name,
      `${k.prefix}…`,
      k.scopes.join(','),
      k.status,
      day(k.expires_at),
      day(k.last_used_at),
    ]),
    out.style,
  );
}

function issued(out: Output, k: KeyInfo, secret: string): string {
  return [
    `${out.style.bold('API key')} ${k.id} (${k.name}) ${out.style.dim(`scopes ${k.scopes.join(', ')}; expires ${day(k.expires_at)}`)}`,
    '',
    `  ${secret}`,
    '',
    out.style.yellow(
      'This is the only time the key is shown. Store it now (e.g. as SUPPORT_API_KEY in the Support .env).',
    ),
  ].join('\n');
}

export async function keysCreate(
  io: CliIO,
  g: GlobalOptions,
  o: { name: string; scope: string[]; expiresIn: string; rateLimit?: string },
): Promise<void> {
  const out = outputFor(io, g);
  const { result: res, daemon } = await runTargetedOp(
    createOp,
    {
      name: o.name,
      scopes: o.scope,
      expires_in: o.expiresIn,
      ...(o.rateLimit ? { rate_limit: o.rateLimit } : {}),
    },
    io,
    g,
  );
  out.result(
    withDaemon(res, daemon),
    () =>
      `${issued(out, res.key, res.api_key)}\n${out.style.dim(`Issued by ${describeDaemon(daemon)}.`)}`,
  );
}

export async function keysList(io: CliIO, g: GlobalOptions, o: { all?: boolean }): Promise<void> {
  const out = outputFor(io, g);
  const { result: keys } = await runTargetedOp(listOp, { all: o.all === true }, io, g);
  out.result(keys, () =>
    keys.length === 0
      ? 'No API keys. Create one: kgc-support keys create --name <who> --scope support:read'
      : keyTable(out, keys),
  );
}

export async function keysShow(io: CliIO, g: GlobalOptions, id: string): Promise<void> {
  const out = outputFor(io, g);
  const { result: k, daemon } = await runTargetedOp(showOp, { id }, io, g);
  out.result(withDaemon(k, daemon), () =>
    Object.entries(k)
      .map(([f, v]) => `${f.padEnd(13)} ${Array.isArray(v) ? v.join(', ') : (v ?? '-')}`)
      .join('\n'),
  );
}

export async function keysRotate(
  io: CliIO,
  g: GlobalOptions,
  id: string,
  o: { grace: string },
): Promise<void> {
  const out = outputFor(io, g);
  const { result: res, daemon } = await runTargetedOp(rotateOp, { id, grace: o.grace }, io, g);
  out.result(
    withDaemon(res, daemon),
    () =>
      `${issued(out, res.key, res.api_key)}\n\nThe old key ${res.previous.id} stays valid until ${day(res.previous.expires_at)} UTC on ${describeDaemon(daemon)}.`,
  );
}

export async function keysRevoke(io: CliIO, g: GlobalOptions, id: string): Promise<void> {
  const out = outputFor(io, g);
  const { result: k, daemon } = await runTargetedOp(revokeOp, { id }, io, g);
  out.result(
    withDaemon(k, daemon),
    () => `Revoked ${k.id} (${k.name}) at ${day(k.revoked_at)} UTC on ${describeDaemon(daemon)}.`,
  );
}

export async function keysExpiring(
  io: CliIO,
  g: GlobalOptions,
  o: { within: string },
): Promise<void> {
  const out = outputFor(io, g);
  const { result: keys } = await runTargetedOp(expiringOp, { within: o.within }, io, g);
  if (keys.length === 0 && !g.json) {
    if (io.stdoutIsTTY) out.info(`No key expires within ${o.within}.`);
    return;
  }
  out.result(
    keys,
    () =>
      `${keys.length} key(s) expire within ${o.within}; rotate them with: kgc-support keys rotate <id>\n${keyTable(out, keys)}`,
  );
}

async function readKeyFromStdin(io: CliIO, g: GlobalOptions): Promise<string> {
  if (canPrompt(io, g)) {
    const { password } = await import('@inquirer/prompts');
    return password({ message: 'API key to import (kgc_…):', mask: '*' });
  }
  if (process.stdin.isTTY)
    throw new KgcError('usage', 'pipe the key on stdin (it is never taken as an argument)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export async function keysImport(
  io: CliIO,
  g: GlobalOptions,
  o: { name: string; scope: string[]; expiresIn: string; rateLimit?: string },
): Promise<void> {
  const out = outputFor(io, g);
  const apiKey = await readKeyFromStdin(io, g);
  if (apiKey === '') throw new KgcError('usage', 'no key on stdin');
  const { result: res, daemon } = await runTargetedOp(
    importOp,
    {
      name: o.name,
      scopes: o.scope,
      api_key: apiKey,
      expires_in: o.expiresIn,
      ...(o.rateLimit !== undefined ? { rate_limit: o.rateLimit } : {}),
    },
    io,
    g,
  );
  out.result(withDaemon(res, daemon), () =>
    res.created
      ? `Imported ${res.key.id} (${res.key.name}), scopes ${res.key.scopes.join(', ')}, rate ${rateOf(res.key)}, expires ${day(res.key.expires_at)} UTC, on ${describeDaemon(daemon)}.`
      : o.rateLimit !== undefined
        ? `Already known as ${res.key.id} (${res.key.name}, ${res.key.status}) on ${describeDaemon(daemon)}; its rate limit is now ${rateOf(res.key)}.`
        : `Already known as ${res.key.id} (${res.key.name}, ${res.key.status}) on ${describeDaemon(daemon)}; nothing changed.`,
  );
}

const rateOf = (k: KeyInfo): string => k.rate_limit ?? "its scopes' default";

export async function keysUpdate(
  io: CliIO,
  g: GlobalOptions,
  id: string,
  o: { rateLimit: string },
): Promise<void> {
  const out = outputFor(io, g);
  const { result: k, daemon } = await runTargetedOp(
    updateOp,
    { id, rate_limit: o.rateLimit },
    io,
    g,
  );
  out.result(
    withDaemon(k, daemon),
    () => `Rate limit of ${k.id} (${k.name}) is now ${rateOf(k)} on ${describeDaemon(daemon)}.`,
  );
}
