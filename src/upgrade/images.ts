/**
 * The images of an upgrade: what the franchise's daemon runs now, the version an image
 * holds (its org.opencontainers.image.version label, which scripts/build-image.sh sets,
 * else a semver tag), and a release's image archive (`docker save`): what it holds, read
 * from its manifest without loading it, and loading it.
 */
import type Docker from 'dockerode';
import { execa } from 'execa';
import { runFailed } from '../backup/run-failed.js';
import { DAEMON_SERVICE } from '../backup/container.js';
import { cleanEnv } from '../docker/compose.js';
import { projectContainers } from '../docker/engine.js';
import { renderedServices, withTag } from '../docker/images.js';
import { supportProject } from '../docker/stack.js';
import { KgcError } from '../errors/kgc-error.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { parseVersion, type ImageVersion } from './plan.js';

export const VERSION_LABEL = 'org.opencontainers.image.version';

/** The version an image tells: its label, else its tag when that is a version. */
export function versionOf(
  ref: string,
  labels: Readonly<Record<string, string>> | null | undefined,
): string | undefined {
  const label = labels?.[VERSION_LABEL];
  if (label !== undefined && label !== '') return label;
  const tag = withTag(ref).slice(withTag(ref).lastIndexOf(':') + 1);
  return parseVersion(tag) ? tag : undefined;
}

/** The image as the engine has it, or undefined when it has not. */
export async function inspectImage(docker: Docker, ref: string): Promise<ImageVersion | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { image: ref, id: info.Id, version: versionOf(ref, info.Config?.Labels) };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/**
 * What the franchise's daemon runs now: its container's image (the content it was
 * created from, whatever the tag names today), else the image its rendered files name.
 */
export async function currentDaemon(
  docker: Docker,
  ref: FranchiseRef,
): Promise<ImageVersion | undefined> {
  const c = (await projectContainers(docker, supportProject(ref).project)).find(
    (x) => x.service === DAEMON_SERVICE,
  );
  if (c) {
    const info = await docker.getContainer(c.id).inspect();
    const name = info.Config.Image;
    try {
      const img = await docker.getImage(info.Image).inspect();
      return { image: name, id: img.Id, version: versionOf(name, img.Config?.Labels) };
    } catch {
      return { image: name, id: info.Image, version: versionOf(name, undefined) };
    }
  }
  const rendered = renderedServices(ref).get(DAEMON_SERVICE)?.image;
  if (rendered === undefined) return undefined;
  return (
    (await inspectImage(docker, rendered)) ?? {
      image: rendered,
      id: undefined,
      version: versionOf(rendered, undefined),
    }
  );
}

async function tarMember(file: string, member: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await execa('tar', ['-xOf', file, member], {
    reject: false,
    env: cleanEnv(env),
    extendEnv: false,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.exitCode !== 0) throw runFailed(`reading ${member} of ${file}`, r);
  return r.stdout;
}

/** The images a `docker save` archive holds, with their versions, read without loading it. */
export async function archiveImages(file: string, env: NodeJS.ProcessEnv): Promise<ImageVersion[]> {
  let manifest: { Config?: unknown; RepoTags?: unknown }[];
  try {
    manifest = JSON.parse(await tarMember(file, 'manifest.json', env)) as typeof manifest;
    if (!Array.isArray(manifest)) throw new Error('manifest.json is not a list');
  } catch (err) {
    throw new KgcError(
      'bad_request',
      `${file} is not an image archive as docker save writes (${(err as Error).message.split('\n')[0]})`,
    );
  }
  const out: ImageVersion[] = [];
  for (const m of manifest) {
    const tags = Array.isArray(m.RepoTags) ? m.RepoTags.map(String) : [];
    let labels: Record<string, string> | undefined;
    let id: string | undefined;
    if (typeof m.Config === 'string') {
      const config = JSON.parse(await tarMember(file, m.Config, env)) as {
        config?: { Labels?: Record<string, string> | null };
      };
      labels = config.config?.Labels ?? undefined;
      const hex = /([0-9a-f]{64})/.exec(m.Config)?.[1];
      id = hex === undefined ? undefined : `sha256:${hex}`;
    }
    for (const tag of tags) out.push({ image: withTag(tag), id, version: versionOf(tag, labels) });
  }
  return out;
}

/** docker load -i: the image references it loaded. */
export async function loadArchive(file: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await execa('docker', ['load', '-i', file], {
    reject: false,
    env: cleanEnv(env),
    extendEnv: false,
  });
  if (r.exitCode !== 0) throw runFailed(`docker load -i ${file}`, r);
  return [...r.stdout.matchAll(/^Loaded image: (.+)$/gm)].map((m) =>
    withTag((m[1] as string).trim()),
  );
}
