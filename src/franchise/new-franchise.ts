/**
 * A new franchise from what `init` was told (by flags or by the wizard) and the
 * defaults for everything else. Pure: the ports are chosen by the caller.
 */
import { KgcError } from '../errors/kgc-error.js';
import {
  FRANCHISE_FILE_VERSION,
  FRANCHISE_ID_PATTERN,
  IMAGE_KEYS,
  type Franchise,
  type ImageKey,
  type Layout,
  type Ports,
} from './franchise.schema.js';
import { validateFranchise } from './franchise.store.js';

export interface InitAnswers {
  readonly id: string;
  readonly name: string;
  readonly layout?: Layout | undefined;
  readonly enabled?: boolean | undefined;
  readonly chatwootAccountId?: string | undefined;
  readonly chatwootAccountNumber?: number | undefined;
  readonly knowledgeBasePath?: string | undefined;
  readonly timezone?: string | undefined;
  readonly bindAddress?: string | undefined;
  readonly images?: Partial<Record<ImageKey, { image?: string; tag?: string }>> | undefined;
  readonly googleCalendar?: { calendar_id: string; credentials_file: string } | undefined;
  readonly sms?: { provider: string; sender_id?: string } | undefined;
}

const ID_RE = new RegExp(FRANCHISE_ID_PATTERN);

/** The wizard's and the flags' check of an id: undefined when fine, else why not. */
export function idProblem(id: string): string | undefined {
  if (ID_RE.test(id)) return undefined;
  return 'use 1-32 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. budapest-1)';
}

/** "A", "B", "profiles", "separate" → the layout. */
export function parseLayout(raw: string): Layout {
  const v = raw.trim().toLowerCase();
  if (v === 'profiles' || v === 'b') return 'profiles';
  if (v === 'separate' || v === 'a') return 'separate';
  throw new KgcError(
    'usage',
    `--layout "${raw}": use profiles (seed Option B) or separate (seed Option A)`,
  );
}

/** "chatwoot=registry.local:5000/chatwoot:v4.1" → key, image and tag (the tag after the last ":" past the last "/"). */
export function parseImageSpec(spec: string): { key: ImageKey; image?: string; tag?: string } {
  const eq = spec.indexOf('=');
  const key = spec.slice(0, eq);
  if (eq < 1 || !(IMAGE_KEYS as readonly string[]).includes(key)) {
    throw new KgcError(
      'usage',
      `--image "${spec}": use <key>=<image>[:<tag>] with key one of ${IMAGE_KEYS.join(', ')}`,
    );
  }
  const ref = spec.slice(eq + 1);
  const colon = ref.lastIndexOf(':');
  const hasTag = colon > ref.lastIndexOf('/');
  const image = hasTag ? ref.slice(0, colon) : ref;
  const tag = hasTag ? ref.slice(colon + 1) : undefined;
  if (image === '' && tag === undefined)
    throw new KgcError('usage', `--image "${spec}": no image given`);
  return {
    key: key as ImageKey,
    ...(image !== '' ? { image } : {}),
    ...(tag !== undefined ? { tag } : {}),
  };
}

export function newFranchise(a: InitAnswers, ports: Ports): Franchise {
  const f: Franchise = {
    version: FRANCHISE_FILE_VERSION,
    id: a.id,
    name: a.name,
    layout: a.layout ?? 'profiles',
    ...(a.timezone ? { timezone: a.timezone } : {}),
    ...(a.bindAddress ? { bind_address: a.bindAddress } : {}),
    support: {
      enabled: a.enabled ?? true,
      chatwoot_account_id: a.chatwootAccountId ?? `kgc-${a.id}`,
      ...(a.chatwootAccountNumber !== undefined
        ? { chatwoot_account_number: a.chatwootAccountNumber }
        : {}),
      knowledge_base_path: a.knowledgeBasePath ?? `/opt/chatwoot/knowledge-bases/kgc-${a.id}/`,
      ...(a.googleCalendar ? { google_calendar: a.googleCalendar } : {}),
      ...(a.sms ? { sms: a.sms } : {}),
    },
    ports,
    ...(a.images && Object.keys(a.images).length > 0 ? { images: a.images } : {}),
  };
  return validateFranchise(f, 'the answers');
}
