/**
 * The rotation plan of an installer's API key (the chatbot's, the context manager's,
 * the ERP's publish key): the store side goes through the franchise daemon's operations
 * (a KeyDoor: the admin socket), the value is found in the store by its hash only.
 *
 * issue: the key secrets.env holds is rotated with a grace period (a key an interrupted
 * earlier run left rotated is followed to its newest successor, which is rotated in
 * turn); an expired, revoked or unknown key is replaced by a new one with the same name
 * and scopes. The successor lives the seed's 90 days.
 * confirm: the recreated container's variable holds the new value, and a probe run
 * inside it with that variable (GET /api/support/health) is in the daemon's audit log
 * under the new key's id. An image without sh or wget is confirmed by its environment.
 * finish: every key the value replaced is revoked. withdraw: the rotation is undone.
 */
import { createHash } from 'node:crypto';
import type { AuditRow } from '../audit/audit.schema.js';
import type { Random } from '../context/clock.js';
import { KgcError } from '../errors/kgc-error.js';
import {
  INSTALLER_KEY_LIFETIME,
  INSTALLER_KEYS,
  type InstallerKeyName,
} from '../keys/installer-keys.js';
import type { IssuedKey, KeyInfo, RotatedKey } from '../keys/keys.schema.js';
import type { RotationPlan } from './chain.js';
import type { Consumer, LiveConsumer } from './consumer.js';

/** The daemon's key operations, as the CLI reaches them (the admin socket). */
export interface KeyDoor {
  identify(sha256: string): Promise<KeyInfo | undefined>;
  show(id: string): Promise<KeyInfo>;
  rotate(id: string, grace: string, expiresIn: string): Promise<RotatedKey>;
  create(name: string, scopes: string[], expiresIn: string): Promise<IssuedKey>;
  revoke(id: string): Promise<KeyInfo>;
  withdraw(id: string): Promise<unknown>;
  /** Audit rows of key `key` since `since` (ISO); the daemon writes out its buffer first. */
  audit(key: string, since: string): Promise<AuditRow[]>;
}

/** Who holds each installer key in the rendered stack, under which variables (compose/*.yml). */
export const KEY_CONSUMERS: Readonly<
  Record<InstallerKeyName, Consumer & { keyVar: string; urlVar: string }>
> = {
  chatbot: {
    service: 'support-chatbot',
    role: 'support',
    keyVar: 'KGC_API_KEY',
    urlVar: 'KGC_API_URL',
  },
  context: {
    service: 'support-context',
    role: 'support',
    keyVar: 'KGC_API_KEY',
    urlVar: 'KGC_API_URL',
  },
  erp: {
    service: 'kgc-api',
    role: 'erp',
    keyVar: 'KGC_SUPPORT_API_KEY',
    urlVar: 'KGC_SUPPORT_URL',
  },
  gdpr: {
    service: 'kgc-api',
    role: 'erp',
    keyVar: 'KGC_SUPPORT_GDPR_API_KEY',
    urlVar: 'KGC_SUPPORT_URL',
  },
};

/** A route any valid key may call, not closed by the module switch, cheap: the probe's target. */
const PROBE_PATH = '/api/support/health';

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** The key the value is, and the rotations an earlier run left unfinished after it (oldest first). */
export async function keyChainOf(door: KeyDoor, value: string): Promise<KeyInfo[]> {
  const first = await door.identify(sha256Hex(value));
  if (!first) return [];
  const chain = [first];
  let tip = first;
  while (tip.status === 'rotated' && tip.rotated_to && chain.length < 20) {
    tip = await door.show(tip.rotated_to);
    chain.push(tip);
  }
  return chain;
}

export interface KeyPlanOptions {
  readonly grace: string;
  readonly random: Random;
  readonly now: () => number;
  /** How long the probe's audit row may take to show; default 15 s. */
  readonly auditWaitMs?: number;
}

export function installerKeyPlan(
  which: InstallerKeyName,
  door: KeyDoor,
  opts: KeyPlanOptions,
): RotationPlan {
  const spec = INSTALLER_KEYS[which];
  const consumer = KEY_CONSUMERS[which];
  const label = `${which} key (${spec.variable})`;
  let chain: KeyInfo[] = [];
  let issued: KeyInfo | undefined;
  let rotatedTip = false;

  return {
    label,
    variable: spec.variable,
    consumers: [consumer],

    async describe(current) {
      const c = await keyChainOf(door, current);
      const tip = c.at(-1);
      const how =
        tip?.status === 'active'
          ? `rotate ${tip.id} (${tip.name}, expires ${tip.expires_at})`
          : `issue a new key named "${spec.name}" (the one in secrets.env is ${tip ? `${tip.id}, ${tip.status}` : 'unknown to the daemon'})`;
      return `would ${how}, write ${spec.variable} into secrets.env, render, recreate ${consumer.service}, confirm it uses the new key, then revoke ${c.map((k) => k.id).join(', ') || 'nothing'}`;
    },

    async issue(current) {
      chain = await keyChainOf(door, current);
      const tip = chain.at(-1);
      if (tip?.status === 'active') {
        const r = await door.rotate(tip.id, opts.grace, INSTALLER_KEY_LIFETIME);
        issued = r.key;
        rotatedTip = true;
        return {
          value: r.api_key,
          detail: `${r.key.id} succeeds ${tip.id}, which stays valid until retired (at most ${opts.grace})`,
        };
      }
      const made = await door.create(spec.name, [...spec.scopes], INSTALLER_KEY_LIFETIME);
      issued = made.key;
      rotatedTip = false;
      return {
        value: made.api_key,
        detail: `${made.key.id} issued: the key in secrets.env is ${tip ? tip.status : 'unknown to the daemon'}`,
      };
    },

    async confirm(live: LiveConsumer, value: string) {
      const fresh = issued as KeyInfo;
      const env = await live.env();
      if (env.get(consumer.keyVar) !== value)
        throw new KgcError(
          'rotation_unconfirmed',
          `${live.service}'s ${consumer.keyVar} is not the new key after it was recreated`,
        );
      const rid = `kgc-rotate-${opts.random.bytes(6).toString('hex')}`;
      const since = new Date(opts.now() - 5_000).toISOString();
      const script = `exec wget -q -O /dev/null --header "X-API-Key: $${consumer.keyVar}" --header "X-Request-Id: $KGC_PROBE_ID" "$${consumer.urlVar}${PROBE_PATH}"`;
      const probe = await live
        .exec(['sh', '-c', script], [`KGC_PROBE_ID=${rid}`], 30_000)
        .catch((err: Error) => ({ exitCode: -1, output: err.message }));
      if (
        probe.exitCode === 126 ||
        probe.exitCode === 127 ||
        /executable file not found/.test(probe.output)
      )
        return `${live.service} holds ${fresh.id} in ${consumer.keyVar} (no sh/wget in its image to probe with)`;
      if (probe.exitCode !== 0)
        throw new KgcError(
          'rotation_unconfirmed',
          `the probe ${PROBE_PATH} from ${live.service} with its ${consumer.keyVar} failed: ${probe.output.split('\n')[0] || `exit ${probe.exitCode}`}`,
        );
      const deadline = opts.now() + (opts.auditWaitMs ?? 15_000);
      for (;;) {
        const rows = await door.audit(fresh.id, since);
        const seen = rows.find((r) => r.request_id === rid);
        if (seen)
          return `${live.service} called ${PROBE_PATH} with ${fresh.id} (audited, status ${seen.status}, request ${rid})`;
        if (opts.now() >= deadline)
          throw new KgcError(
            'rotation_unconfirmed',
            `the probe from ${live.service} answered, but the audit log has no call ${rid} with ${fresh.id}`,
          );
        await new Promise((r) => setTimeout(r, 500));
      }
    },

    async finish() {
      const revoked: string[] = [];
      // Still valid ones only: an expired key needs no revoking.
      for (const k of chain)
        if (k.status === 'active' || k.status === 'rotated')
          revoked.push((await door.revoke(k.id)).id);
      return revoked.length > 0 ? `revoked ${revoked.join(', ')}` : 'nothing was left to revoke';
    },

    async withdraw() {
      if (!issued) return 'nothing was issued';
      if (!rotatedTip) {
        await door.revoke(issued.id);
        return `revoked ${issued.id}`;
      }
      // Newest first: each withdrawal revokes the successor and makes the key before it active again.
      for (const k of [...chain].reverse()) await door.withdraw(k.id);
      return `${issued.id} revoked; ${chain[0]?.id ?? '?'} active again, as before`;
    },
  };
}
