/**
 * The images a franchise's stack runs, as its rendered compose files name them (each
 * `image: ${VAR}` resolved from the file's .env), and whether the engine has each one.
 * An image that is not present is looked up in its registry (the engine's distribution
 * inspect, with a short limit): where no registry answers, compose would only fail
 * with a DNS error that says nothing about images, so `up` and `doctor` say instead
 * which image is missing and how to get it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { parse } from 'yaml';
import {
  DEFAULT_IMAGES,
  IMAGE_KEYS,
  imageOf,
  type ImageKey,
} from '../franchise/franchise.schema.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { parseEnv } from '../render/env-format.js';
import { projectFilesOf } from '../render/model.js';

export interface StackImage {
  /** image:tag as compose will ask the engine for it. */
  readonly ref: string;
  /** The services that run it. */
  readonly services: readonly string[];
  /** The franchise.yaml images: key that chooses it, when one does. */
  readonly key: ImageKey | undefined;
}

export type Presence =
  | { readonly state: 'present' }
  | { readonly state: 'pullable' }
  | { readonly state: 'missing'; readonly why: string };

/** How long a registry may take to answer whether it has an image. */
export const REGISTRY_PROBE_MS = 5_000;

/** ${VAR}, ${VAR:-default}, ${VAR-default} and $VAR from `env`; $$ is a literal $. */
export function substitute(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, dollar: string, braced?: string, op?: string, dflt?: string, bare?: string) => {
      if (dollar === '$') return '$';
      const name = (braced ?? bare) as string;
      const v = env.get(name);
      if (op === ':-') return v === undefined || v === '' ? (dflt ?? '') : v;
      if (op === '-') return v === undefined ? (dflt ?? '') : v;
      return v ?? '';
    },
  );
}

/** Docker's default tag: an image without one means :latest. */
export function withTag(ref: string): string {
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  return ref.includes('@') || lastPart.includes(':') ? ref : `${ref}:latest`;
}

/** The registry host an image name points at, when its first part is one (has a dot or a port, or is localhost). */
export function registryOf(ref: string): string | undefined {
  const slash = ref.indexOf('/');
  if (slash < 0) return undefined;
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

export interface RenderedService {
  readonly image: string | undefined;
  readonly dependsOn: readonly string[];
}

/** Each service of the franchise's rendered compose files, with its image and what it depends on. */
export function renderedServices(ref: FranchiseRef): Map<string, RenderedService> {
  const out = new Map<string, RenderedService>();
  for (const p of projectFilesOf(ref.franchise)) {
    const composeFile = join(ref.dir, p.composeFile);
    if (!existsSync(composeFile)) continue;
    const envFile = join(ref.dir, p.envFile);
    const env = existsSync(envFile)
      ? parseEnv(readFileSync(envFile, 'utf8'))
      : new Map<string, string>();
    const doc = parse(readFileSync(composeFile, 'utf8')) as {
      services?: Record<string, { image?: unknown; depends_on?: unknown }>;
    } | null;
    for (const [service, def] of Object.entries(doc?.services ?? {})) {
      const deps = def?.depends_on;
      const dependsOn = Array.isArray(deps)
        ? deps.map(String)
        : deps && typeof deps === 'object'
          ? Object.keys(deps)
          : [];
      out.set(service, {
        image: typeof def?.image === 'string' ? withTag(substitute(def.image, env)) : undefined,
        dependsOn,
      });
    }
  }
  return out;
}

/**
 * The images the named services need, with the services compose starts for them
 * (depends_on); every service of the rendered files when none are named. One entry per image.
 */
export function stackImages(ref: FranchiseRef, services?: readonly string[]): StackImage[] {
  const all = renderedServices(ref);
  const wanted = new Set<string>();
  const visit = (s: string) => {
    if (wanted.has(s)) return;
    wanted.add(s);
    for (const d of all.get(s)?.dependsOn ?? []) visit(d);
  };
  for (const s of services ?? [...all.keys()]) visit(s);
  const byRef = new Map<string, string[]>();
  for (const service of wanted) {
    const image = all.get(service)?.image;
    if (image !== undefined) byRef.set(image, [...(byRef.get(image) ?? []), service]);
  }
  const keyOf = (image: string) =>
    IMAGE_KEYS.find((k) => {
      const i = imageOf(ref.franchise, k);
      return withTag(`${i.image}:${i.tag}`) === image;
    });
  return [...byRef].map(([image, svc]) => ({ ref: image, services: svc, key: keyOf(image) }));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Whether the engine has the image, else whether its registry would give it (asked through the engine, so its mirrors and logins count). */
export async function imagePresence(
  docker: Docker,
  ref: string,
  probeMs = REGISTRY_PROBE_MS,
): Promise<Presence> {
  try {
    await docker.getImage(ref).inspect();
    return { state: 'present' };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  try {
    await withTimeout(docker.getImage(ref).distribution(), probeMs, `the registry of ${ref}`);
    return { state: 'pullable' };
  } catch (err) {
    const said = ((err as { json?: { message?: string } }).json?.message ?? (err as Error).message)
      .replace(/^\(HTTP code \d+\)[^-]*- /, '')
      .trim();
    return {
      state: 'missing',
      why: `not present on this engine, and ${registryOf(ref) ?? 'Docker Hub'} does not give it (${said.split('\n')[0]})`,
    };
  }
}

export interface ImageFinding extends StackImage {
  readonly presence: Presence;
}

export async function checkImages(
  docker: Docker,
  images: readonly StackImage[],
  probeMs = REGISTRY_PROBE_MS,
): Promise<ImageFinding[]> {
  return Promise.all(
    images.map(async (i) => ({ ...i, presence: await imagePresence(docker, i.ref, probeMs) })),
  );
}

/** How to get a missing image onto this engine. */
export function howToGet(i: StackImage, franchiseId: string): string {
  const ways: string[] = [];
  if (i.key === 'kgc-support' && i.ref.startsWith(`${DEFAULT_IMAGES['kgc-support'].image}:`))
    ways.push(`build it here: npm run build && scripts/build-image.sh ${i.ref}`);
  ways.push(
    `load it from a saved copy: docker load -i <file>.tar (made where it exists with: docker save -o <file>.tar ${i.ref})`,
  );
  if (registryOf(i.ref)) ways.push(`pull it once the registry answers: docker pull ${i.ref}`);
  ways.push(
    i.key
      ? `or name another image in franchise.yaml (images: ${i.key}: {image: …, tag: …}), then kgc-support render --franchise ${franchiseId}`
      : `or change the image in the franchise's files, then kgc-support render --franchise ${franchiseId}`,
  );
  return ways.join('; ');
}

export function describeMissing(findings: readonly ImageFinding[], franchiseId: string): string {
  return findings
    .filter((x) => x.presence.state === 'missing')
    .map((x) => `${x.ref} (for ${x.services.join(', ')}): ${howToGet(x, franchiseId)}`)
    .join('\n');
}
