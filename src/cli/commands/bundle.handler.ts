/**
 * `kgc-support support-bundle`: collects every part at once (each bounded by --timeout),
 * redacts, and writes one .tar.gz durably. The result names the file only once it is
 * on disk; parts that failed are listed, and the bundle is still written: it is most
 * needed when something is broken.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { utcStamp } from '../../backup/durable.js';
import { bundleArchive, writeBundle, type Part, type PartError } from '../../bundle/bundle.js';
import { createRedactor, secretValuesOf } from '../../bundle/redact.js';
import { parseDuration } from '../../config/duration.js';
import { SETTINGS, type Config } from '../../config/settings.js';
import { isKgcError, KgcError } from '../../errors/kgc-error.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { VERSION } from '../../version.js';
import { installerConfig } from '../installer-context.js';
import { progress } from '../progress.js';
import { resolveTarget } from '../target.js';
import {
  envFileOf,
  envFileSecrets,
  franchiseSecrets,
  franchiseSections,
  localSections,
  type Section,
} from './bundle.sections.js';

export interface BundleFlags {
  output?: string;
  envFile?: string;
  logLines: string;
  timeout: string;
}

/** The values of the settings marked secret, as this environment sets them. */
function secretSettings(config: Config): string[] {
  return (Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]).flatMap((k) => {
    const s = SETTINGS[k];
    const v = config[k];
    return 'secret' in s && s.secret && typeof v === 'string' && v !== '' ? [v] : [];
  });
}

function errorText(err: unknown): string {
  return isKgcError(err) ? `${err.code}: ${err.message}` : ((err as Error)?.message ?? String(err));
}

async function collect(section: Section, timeoutMs: number): Promise<Part[] | PartError> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<PartError>((done) => {
    timer = setTimeout(
      () => done({ path: section.path, error: `not collected within ${timeoutMs / 1000}s` }),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([
      section.collect().catch((err: unknown) => ({ path: section.path, error: errorText(err) })),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function supportBundle(io: CliIO, g: GlobalOptions, o: BundleFlags): Promise<void> {
  const out = outputFor(io, g);
  const lines = Number(o.logLines);
  if (!/^\d+$/.test(o.logLines) || lines < 1 || lines > 100_000)
    throw new KgcError('usage', `--log-lines ${o.logLines}: a number of lines, 1 to 100000`);
  const timeoutMs = parseDuration(o.timeout, '--timeout');
  const target = resolveTarget(io, g);
  const envFile = target.kind === 'local' ? envFileOf(o.envFile) : undefined;
  if (envFile !== undefined && !existsSync(envFile))
    throw new KgcError('usage', `--env-file ${envFile}: no such file`);
  const config = installerConfig(io, g);
  const at = new Date();
  const subject =
    target.kind === 'franchise'
      ? `franchise ${target.id}`
      : `the local daemon of ${config.dataDir}`;
  const name = `kgc-support-bundle-${target.kind === 'franchise' ? target.id : 'local'}-${utcStamp(at)}`;
  const file = resolve(o.output ?? `${name}.tar.gz`);
  if (existsSync(file))
    throw new KgcError(
      'usage',
      `${file} exists: a bundle never overwrites a file; name another with --output`,
    );
  const sections =
    target.kind === 'franchise'
      ? franchiseSections(io, g, target, config, lines)
      : localSections(io, g, target, lines, envFile);
  // Every known secret is known before anything is collected: errors are shown redacted too.
  const redact = createRedactor([
    ...(target.kind === 'franchise' ? franchiseSecrets(target) : envFileSecrets(envFile)),
    ...secretValuesOf(io.env),
    ...secretSettings(config),
  ]);
  const parts: Part[] = [];
  const errors: PartError[] = [];
  let facts: { file: string; bytes: number; sha256: string } | undefined;
  await progress(
    io,
    out,
    g.quiet === true,
    [
      {
        title: `Collecting ${subject}`,
        task: (_ctx, task) =>
          task.newListr(
            sections.map((s) => ({
              title: s.title,
              task: async (_c, sub) => {
                const got = await collect(s, timeoutMs);
                if (Array.isArray(got)) parts.push(...got);
                else {
                  const error = redact(got.error);
                  errors.push({ path: got.path, error });
                  parts.push({
                    path: s.path.endsWith('/') ? `${s.path}error.json` : s.path,
                    json: { error },
                  });
                  sub.title = `${s.title}: ${error}`;
                }
              },
            })),
            { concurrent: true, exitOnError: false },
          ),
      },
      {
        title: `Writing ${file}`,
        task: async () => {
          parts.sort((a, b) => a.path.localeCompare(b.path));
          const manifest = {
            kgc_support: VERSION,
            target:
              target.kind === 'franchise'
                ? { franchise: target.id, dir: target.dir }
                : { local: config.dataDir },
          };
          facts = await writeBundle(
            file,
            bundleArchive(name, subject, parts, errors, manifest, redact, at),
          );
        },
      },
    ],
    {},
  ).run();
  const written = facts as { file: string; bytes: number; sha256: string };
  const result = { ...written, subject, files: parts.map((p) => p.path), errors };
  out.result(result, () =>
    [
      `${written.file} (${written.bytes} bytes, sha256 ${written.sha256})`,
      ...errors.map((e) => `  ${out.style.yellow('!')} ${e.path}: ${e.error}`),
    ].join('\n'),
  );
  out.success(
    `support bundle of ${subject} written: ${written.file} (mode 0600; secrets redacted)`,
  );
}
