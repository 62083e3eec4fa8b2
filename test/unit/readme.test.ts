/** The README is the admin's manual: every setting and every command must be in it. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { recordingIO } from '../../src/cli/io.js';
import { SETTINGS } from '../../src/config/settings.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.filter((c) => c.name() !== 'help').flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length > 0 ? commandPaths(c, path) : [path];
  });
}

describe('README', () => {
  it('documents every environment variable', () => {
    const missing = Object.values(SETTINGS).map((s) => s.env).filter((env) => !README.includes(`\`${env}\``));
    expect(missing).toEqual([]);
  });

  it('shows every command with an example', () => {
    const paths = commandPaths(buildProgram(recordingIO()));
    expect(paths.length).toBeGreaterThan(20);
    const missing = paths.map((p) => `kgc-support ${p.join(' ')}`).filter((line) => !README.includes(line));
    expect(missing).toEqual([]);
  });
});
