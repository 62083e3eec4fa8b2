/**
 * The CLI in-process, as a user runs it (argv in, exit code and output out), and the
 * odds and ends installer tests share: a franchises directory, free host ports.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { recordingIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { isPortFree } from '../../src/franchise/ports.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
  json<T = unknown>(): T;
}

export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const io = recordingIO(env);
  const code = await main(['node', 'kgc-support', ...args], io);
  return { code, out: io.out, err: io.err, json: <T>() => JSON.parse(io.out) as T };
}

/** With --json, a failed command's error: the last line of stderr, one JSON object. */
export function errorOf(err: string): { code: string; message: string } {
  return (
    JSON.parse(err.trim().split('\n').at(-1) as string) as {
      error: { code: string; message: string };
    }
  ).error;
}

/** The names of the keys `keys list` shows for this environment, sorted. */
export async function keyNames(env: NodeJS.ProcessEnv): Promise<string[]> {
  const list = await runCli(['keys', 'list', '--json'], env);
  expect(list.code, list.err).toBe(0);
  return list
    .json<{ name: string }[]>()
    .map((k) => k.name)
    .sort();
}

export function tempRoot(prefix = 'kgc-franchises-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The environment a test's CLI runs in: the real PATH and HOME, its own franchises directory. */
export function cliEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    KGC_SUPPORT_FRANCHISES_DIR: root,
    ...extra,
  };
}

/**
 * The ERP database URL the installer tests give `init` (render refuses a franchise without
 * one). Never connected to by these tests: erp-db is a name on the franchise's compose network.
 */
export const TEST_ERP_DATABASE_URL = 'postgres://kgc_reader:pw@erp-db:5432/kgc';
export const ERP_FLAGS = ['--erp-database-url', TEST_ERP_DATABASE_URL] as const;

/** Five free host ports in a random high range, as init flags. */
export async function freePortFlags(): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 400) * 100;
    const ports = [base, base + 30, base + 1, base + 4, base + 80];
    if ((await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean)) {
      return [
        '--erp-port',
        String(ports[0]),
        '--daemon-port',
        String(ports[1]),
        '--chatbot-port',
        String(ports[2]),
        '--context-port',
        String(ports[3]),
        '--chatwoot-port',
        String(ports[4]),
      ];
    }
  }
  throw new Error('no free ports found');
}

/** Edits franchise.yaml as an admin would. */
export function editFranchise(dir: string, edit: (doc: Record<string, unknown>) => void): void {
  const file = join(dir, 'franchise.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(doc);
  writeFileSync(file, stringify(doc));
}
