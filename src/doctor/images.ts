/**
 * doctor's image check: every image a franchise's stack needs is on this engine, or
 * its registry would give it; otherwise which ones are missing and how to get them
 * (the same words `up` refuses with).
 */
import { howToGet, withTag, type ImageFinding, type StackImage } from '../docker/images.js';
import { IMAGE_KEYS, imageOf } from '../franchise/franchise.schema.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import type { Finding } from './finding.js';

export interface ImageProbe {
  /** Each image with its presence on the engine (or pullability). */
  images(ref: FranchiseRef): Promise<ImageFinding[]>;
}

/** Before render: the images franchise.yaml chooses, one per key. */
export function modelImages(ref: FranchiseRef): StackImage[] {
  const byRef = new Map<string, StackImage>();
  for (const key of IMAGE_KEYS) {
    const i = imageOf(ref.franchise, key);
    const image = withTag(`${i.image}:${i.tag}`);
    const had = byRef.get(image);
    byRef.set(image, {
      ref: image,
      services: [...(had?.services ?? []), `images.${key}`],
      key: had?.key ?? key,
    });
  }
  return [...byRef.values()];
}

export async function imageCheck(p: ImageProbe, ref: FranchiseRef): Promise<Finding> {
  const check = `images ${ref.id}`;
  let found: ImageFinding[];
  try {
    found = await p.images(ref);
  } catch (err) {
    return { check, status: 'warn', detail: `not checked: ${(err as Error).message}` };
  }
  const missing = found.filter((x) => x.presence.state === 'missing');
  const pullable = found.filter((x) => x.presence.state === 'pullable');
  if (missing.length > 0) {
    return {
      check,
      status: 'fail',
      detail: `not present, and no registry gives them: ${missing.map((x) => `${x.ref} (${x.services.join(', ')})`).join(', ')}`,
      hint: missing.map((x) => `${x.ref}: ${howToGet(x, ref.id)}`).join('\n  '),
    };
  }
  const present = found.length - pullable.length;
  return {
    check,
    status: 'pass',
    detail: `${present} of ${found.length} present on this engine${pullable.length > 0 ? `; pulled on up: ${pullable.map((x) => x.ref).join(', ')}` : ''}`,
  };
}
