/** The README is the admin's manual: every setting, every command and every error code must be in it. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { recordingIO } from '../../src/cli/io.js';
import { SETTINGS } from '../../src/config/settings.js';
import { CATALOGUE, isErrorCode } from '../../src/errors/catalogue.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => {
      const path = [...prefix, c.name()];
      return c.commands.length > 0 ? commandPaths(c, path) : [path];
    });
}

describe('README', () => {
  it('documents every environment variable', () => {
    const missing = Object.values(SETTINGS)
      .map((s) => s.env)
      .filter((env) => !README.includes(`\`${env}\``));
    expect(missing).toEqual([]);
  });

  it('shows every command with an example', () => {
    const paths = commandPaths(buildProgram(recordingIO()));
    expect(paths.length).toBeGreaterThan(20);
    const missing = paths
      .map((p) => `kgc-support ${p.join(' ')}`)
      .filter((line) => !README.includes(line));
    expect(missing).toEqual([]);
  });
});

describe('README error codes', () => {
  /** The rows of the "Error codes" table: code → [HTTP status, exit code, meaning]. */
  const rows = new Map(
    [...README.matchAll(/^\| `([a-z_]+)` \| (\d+) \| (\d+) \| (.+) \|$/gm)].map((m) => [
      m[1] as string,
      [Number(m[2]), Number(m[3]), (m[4] as string).trim()] as const,
    ]),
  );

  it('documents every code of the catalogue with its HTTP status, exit code and meaning', () => {
    const wrong = Object.entries(CATALOGUE).flatMap(([code, spec]) => {
      const row = rows.get(code);
      if (!row) return [`${code}: not in the README's error codes table`];
      const [status, exit, meaning] = row;
      return status === spec.status && exit === spec.exit && meaning.length > 0
        ? []
        : [`${code}: README says ${status}/${exit}, the catalogue ${spec.status}/${spec.exit}`];
    });
    expect(wrong).toEqual([]);
  });

  it('documents no code the catalogue does not have', () => {
    expect([...rows.keys()].filter((code) => !isErrorCode(code))).toEqual([]);
  });
});
