/**
 * A support bundle: what a support engineer needs to help a franchise, in one .tar.gz
 * that is safe to mail. Everything in it passes the redactor (JSON stays valid JSON);
 * a part that could not be collected is in it as its error, never left out in silence.
 * The file is owner-only (0600) and acknowledged only once durable (temp, fsync, rename).
 */
import { writeFileSync } from 'node:fs';
import { writeFileDurably } from '../backup/durable.js';
import { redactJson, type Redactor } from './redact.js';
import { tarGz, type TarEntry } from './tar.js';

/** One file of the bundle, as collected (before redaction). */
export type Part =
  | { readonly path: string; readonly json: unknown }
  | { readonly path: string; readonly text: string };

/** What could not be collected, and why. */
export interface PartError {
  readonly path: string;
  readonly error: string;
}

const README = (name: string, subject: string) => `kgc-support support bundle: ${name}
Subject: ${subject}

manifest.json   what was collected, when, by which version, and what could not be (errors)
config/         the configuration files, secrets redacted (secrets.env: which are set, no values)
doctor.json     kgc-support doctor --json
health.json     kgc-support health --json (application/health+json)
status.json     kgc-support status --json (or the local daemon's admin info)
versions.json   kgc-support, Node.js, the Docker engine and the compose tool
logs/           the last lines of each support service's log (or of the local daemon's journal)

Every value known to be secret and everything shaped like a secret (passwords, tokens,
API keys, URL passwords, webhook secrets) reads <redacted>.
`;

/** The bundle's bytes: README.txt, manifest.json and the parts, under one top directory `name`. */
export function bundleArchive(
  name: string,
  subject: string,
  parts: readonly Part[],
  errors: readonly PartError[],
  manifest: Record<string, unknown>,
  redact: Redactor,
  at: Date,
): Buffer {
  const text = (p: Part) =>
    'json' in p ? `${JSON.stringify(redactJson(p.json, redact), null, 2)}\n` : redact(p.text);
  const dirs = [
    ...new Set(
      parts.flatMap((p) =>
        p.path
          .split('/')
          .slice(0, -1)
          .map((_, i, all) => `${all.slice(0, i + 1).join('/')}/`),
      ),
    ),
  ].sort();
  const fullManifest = {
    ...manifest,
    bundle: name,
    subject,
    created_at: at.toISOString(),
    files: parts.map((p) => p.path),
    errors,
    redacted_known_values: redact.known,
  };
  const entries: TarEntry[] = [
    { name: `${name}/` },
    { name: `${name}/README.txt`, content: README(name, subject) },
    {
      name: `${name}/manifest.json`,
      content: `${JSON.stringify(redactJson(fullManifest, redact), null, 2)}\n`,
    },
    ...dirs.map((d) => ({ name: `${name}/${d}` })),
    ...parts.map((p) => ({ name: `${name}/${p.path}`, content: text(p) })),
  ];
  return tarGz(entries, at);
}

/** Writes the archive at `target`, 0600, durably; its size and checksum. */
export async function writeBundle(
  target: string,
  archive: Buffer,
): Promise<{ file: string; bytes: number; sha256: string }> {
  return writeFileDurably(target, (tmp) => {
    writeFileSync(tmp, archive);
    return Promise.resolve();
  });
}
