/**
 * The manual (README.md and docs/) is the admin's: every setting, every command and every
 * error code must be in it, and its generated references must be what `npm run docs`
 * writes from the sources today (the settings table, the catalogue, the command tree and
 * the OpenAPI document the daemon serves).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { recordingIO } from '../../src/cli/io.js';
import {
  generatedPart,
  GENERATED_MARK,
  referenceDocs,
  type OpenApiDocument,
} from '../../src/cli/reference/docs.js';
import { SETTINGS } from '../../src/config/settings.js';
import { CATALOGUE, isErrorCode } from '../../src/errors/catalogue.js';
import { MEANINGS } from '../../src/errors/meanings.js';
import { createTestApi, type TestApi } from '../helpers/api.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');
const DOCS = readdirSync(resolve(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
/** Every page that links into the manual. */
const PAGES = ['README.md', 'RELIABILITY.md', 'BENCHMARKS.md', 'CONTRIBUTING.md', ...DOCS];

/** GitHub's anchors of a page's headings (code blocks skipped). */
function anchors(page: string): Set<string> {
  const out = new Set<string>();
  let fence = false;
  for (const line of read(page).split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const m = fence ? null : /^#{1,6} (.*)$/.exec(line);
    if (m)
      out.add(
        (m[1] as string)
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}_ -]/gu, '')
          .replace(/ /g, '-'),
      );
  }
  return out;
}

/** What people wrote: the README and docs/*.md without their generated parts. */
const WRITTEN = ['README.md', ...DOCS]
  .map((p) => {
    const text = read(p);
    const at = text.indexOf(GENERATED_MARK);
    return at < 0 ? text : text.slice(0, at);
  })
  .join('\n');

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => {
      const path = [...prefix, c.name()];
      return c.commands.length > 0 ? commandPaths(c, path) : [path];
    });
}

describe('the generated references', () => {
  let t: TestApi;
  let files: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApi('pglite');
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    files = referenceDocs(buildProgram(recordingIO()), res.json<OpenApiDocument>());
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(['docs/configuration.md', 'docs/errors.md', 'docs/cli.md', 'docs/api.md'])(
    '%s is what `npm run docs` writes today',
    (path) => {
      const committed = generatedPart(read(path));
      expect(committed, `${path} has no generated part: run npm run docs`).toBeDefined();
      expect(committed === files[path], `${path} is stale: run npm run docs`).toBe(true);
    },
  );

  it('the API reference names every route of the OpenAPI document', () => {
    const api = read('docs/api.md');
    for (const route of [
      'GET /api/customers/by-phone/{phone}',
      'POST /api/events',
      'DELETE /api/customers/{customer_id}',
    ])
      expect(api).toContain(`### ${route}`);
  });
});

describe('the manual', () => {
  it('the README is a landing page: under 300 lines, linking every page of docs/', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThan(300);
    expect(DOCS.filter((page) => !readme.includes(`](${page})`))).toEqual([]);
  });

  it('documents every environment variable in docs/configuration.md', () => {
    const config = read('docs/configuration.md');
    const missing = Object.values(SETTINGS)
      .map((s) => s.env)
      .filter((env) => !config.includes(`| \`${env}\` |`));
    expect(missing).toEqual([]);
  });

  it('shows every command with an example in the written pages (README.md, docs/)', () => {
    const paths = commandPaths(buildProgram(recordingIO()));
    expect(paths.length).toBeGreaterThan(20);
    const missing = paths
      .map((p) => `kgc-support ${p.join(' ')}`)
      .filter((line) => !WRITTEN.includes(line));
    expect(missing).toEqual([]);
  });

  it('every link between the pages points at a page and a heading that exist', () => {
    const broken = PAGES.flatMap((page) =>
      [...read(page).matchAll(/\]\(([A-Za-z0-9_./-]*\.(?:md|png))?(?:#([^)\s]*))?\)/g)].flatMap(
        (m) => {
          const [, file, anchor] = m;
          if (file === undefined && anchor === undefined) return [];
          const target = file === undefined ? page : join(dirname(page), file);
          if (!existsSync(resolve(ROOT, target))) return [`${page} → ${target}: no such page`];
          if (anchor === undefined || anchors(target).has(anchor)) return [];
          return [`${page} → ${target}#${anchor}: no such heading`];
        },
      ),
    );
    expect(broken).toEqual([]);
  });
});

describe('docs/errors.md', () => {
  /** The rows of the "Error codes" table: code → [HTTP status, exit code, meaning]. */
  const rows = new Map(
    [...read('docs/errors.md').matchAll(/^\| `([a-z_]+)` \| (\d+) \| (\d+) \| (.+?) \|/gm)].map(
      (m) => [m[1] as string, [Number(m[2]), Number(m[3]), (m[4] as string).trim()] as const],
    ),
  );

  it('documents every code of the catalogue with its HTTP status, exit code and meaning', () => {
    const wrong = Object.entries(CATALOGUE).flatMap(([code, spec]) => {
      const row = rows.get(code);
      if (!row) return [`${code}: not in docs/errors.md (run npm run docs)`];
      const [status, exit, meaning] = row;
      return status === spec.status && exit === spec.exit && meaning.length > 0
        ? []
        : [
            `${code}: docs/errors.md says ${status}/${exit}, the catalogue ${spec.status}/${spec.exit}`,
          ];
    });
    expect(wrong).toEqual([]);
  });

  it('every code has its meaning written in src/errors/meanings.ts', () => {
    expect(Object.keys(CATALOGUE).filter((c) => !MEANINGS[c as keyof typeof MEANINGS])).toEqual([]);
  });

  it('documents no code the catalogue does not have', () => {
    expect([...rows.keys()].filter((code) => !isErrorCode(code))).toEqual([]);
  });
});
