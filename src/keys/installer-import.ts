/**
 * The daemon's import of the installer's keys from its environment at start: known by
 * their hash from then on, for the seed's 90 days (8.1), with a warning when one is about
 * to expire or its state says that the environment predates a rotation on the host.
 */
import type { Ctx } from '../context/context.js';
import { INSTALLER_KEY_LIFETIME, INSTALLER_KEYS, type InstallerKeyName } from './installer-keys.js';
import { importKey } from './key-import.js';

/** The window of the start-time warning, as `keys expiring` defaults to. */
const EXPIRY_WARNING_MS = 14 * 86_400_000;

export async function importInstallerKey(
  ctx: Ctx,
  which: InstallerKeyName,
  value: string | undefined,
): Promise<void> {
  if (!value) return;
  const { variable, name, scopes } = INSTALLER_KEYS[which];
  const imported = await importKey(
    { ...ctx, actor: `env:${variable}` },
    { name, scopes: [...scopes], api_key: value, expires_in: INSTALLER_KEY_LIFETIME },
  );
  const k = imported.key;
  const rotate = `kgc-support keys rotate ${which} --franchise <id>`;
  if (imported.created) ctx.logger.info({ keyId: k.id, scopes }, `imported the key in ${variable}`);
  else if (k.status === 'rotated' || k.status === 'revoked')
    // A rotation on the host wrote its successor into secrets.env; this container started before it.
    ctx.logger.info(
      { keyId: k.id, status: k.status, successor: k.rotated_to },
      `the key in ${variable} was rotated or retired; this daemon's environment predates it (kgc-support up recreates the daemon with the current one)`,
    );
  else if (k.status !== 'active')
    ctx.logger.warn(
      { keyId: k.id, status: k.status },
      `the key in ${variable} has ${k.status}; rotate it: ${rotate}`,
    );
  else if (Date.parse(k.expires_at) - ctx.clock.now() < EXPIRY_WARNING_MS)
    ctx.logger.warn(
      { keyId: k.id, expiresAt: k.expires_at },
      `the key in ${variable} expires on ${k.expires_at}; rotate it: ${rotate}`,
    );
}
