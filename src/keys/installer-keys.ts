/**
 * The keys the installer generates into a franchise's secrets.env and the daemon imports
 * from its environment at start (hash only): one per consumer, so that each one is
 * rotated alone (`kgc-support keys rotate <consumer> --franchise <id>`). They follow the
 * seed's 90-day rotation (8.1), like every key.
 */
import { DEFAULT_KEY_LIFETIME } from './lifetime.js';
import type { Scope } from './scopes.js';

export interface InstallerKey {
  /** The variable of secrets.env and of the daemon's environment. */
  readonly variable: string;
  /** The key's name in the store (as keys list shows it). */
  readonly name: string;
  readonly scopes: readonly Scope[];
  /** Who holds it, for people. */
  readonly holder: string;
}

export const INSTALLER_KEYS = {
  chatbot: {
    variable: 'KGC_API_KEY',
    name: 'support-system (KGC_API_KEY)',
    scopes: ['support:read', 'support:appointments'],
    holder: 'the Kokó chatbot',
  },
  context: {
    variable: 'KGC_CONTEXT_API_KEY',
    name: 'context-manager (KGC_CONTEXT_API_KEY)',
    scopes: ['support:read'],
    holder: 'the Kokó context manager',
  },
  erp: {
    variable: 'KGC_SUPPORT_PUBLISH_KEY',
    name: 'erp (KGC_SUPPORT_PUBLISH_KEY)',
    scopes: ['erp:publish'],
    holder: "the ERP's backend (kgc-api)",
  },
  gdpr: {
    variable: 'KGC_SUPPORT_GDPR_KEY',
    name: 'erp-gdpr (KGC_SUPPORT_GDPR_KEY)',
    scopes: ['erp:gdpr'],
    holder: "the ERP's backend (kgc-api), for erasure and access requests",
  },
} as const satisfies Record<string, InstallerKey>;

export type InstallerKeyName = keyof typeof INSTALLER_KEYS;
export const INSTALLER_KEY_NAMES = Object.keys(INSTALLER_KEYS) as InstallerKeyName[];

/** The seed's rotation period (8.1), for the installer's keys as for any other. */
export const INSTALLER_KEY_LIFETIME = DEFAULT_KEY_LIFETIME;

/** The installer key a stored key is (by its name), if any: the hint of an expiry warning names its rotation. */
export function installerKeyOf(storedName: string): InstallerKeyName | undefined {
  return INSTALLER_KEY_NAMES.find((k) => INSTALLER_KEYS[k].name === storedName);
}
