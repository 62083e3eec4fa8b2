/**
 * The compose command line: `docker compose` (v2) or `docker-compose` (v1, or a v2
 * standalone binary), whichever answers, found by asking each for its version. Runs
 * through execa with a clean environment: compose lets the shell's variables win over
 * the .env file, so a stray SUPPORT_API_KEY in an admin's shell must not leak in.
 */
import { execa } from 'execa';
import { KgcError } from '../errors/kgc-error.js';

export interface ComposeTool {
  /** v2 when the version's major is 2 or more (also a standalone docker-compose v2). */
  readonly kind: 'v1' | 'v2';
  readonly version: string;
  /** The program and the arguments before the compose arguments ("docker" + ["compose"]). */
  readonly file: string;
  readonly prefix: readonly string[];
  /** How a person would type it. */
  readonly display: string;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}
export interface ExecOptions {
  readonly cwd?: string;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
}
export type Exec = (
  file: string,
  args: readonly string[],
  opts?: ExecOptions,
) => Promise<ExecResult>;

/** The variables compose and the docker CLI need; nothing else of the caller's environment. */
const PASS_ENV =
  /^(PATH|HOME|USER|LANG|LC_ALL|LC_CTYPE|TMPDIR|XDG_RUNTIME_DIR|DOCKER_HOST|DOCKER_CONTEXT|DOCKER_CONFIG|DOCKER_CERT_PATH|DOCKER_TLS_VERIFY|DOCKER_API_VERSION|SSH_AUTH_SOCK)$/;

export function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PASS_ENV.test(k)) out[k] = v;
  return out;
}

export function execaExec(env: NodeJS.ProcessEnv): Exec {
  return async (file, args, opts = {}) => {
    const child = execa(file, [...args], {
      reject: false,
      env: cleanEnv(env),
      extendEnv: false,
      stdin: 'ignore',
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    if (opts.onStdout) child.stdout?.on('data', (d: Buffer) => opts.onStdout?.(d.toString('utf8')));
    if (opts.onStderr) child.stderr?.on('data', (d: Buffer) => opts.onStderr?.(d.toString('utf8')));
    const r = await child;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      exitCode: r.exitCode ?? (r.failed ? 127 : 0),
      stdout: text(r.stdout),
      stderr:
        text(r.stderr) || (r.failed && r.exitCode === undefined ? (r.shortMessage ?? '') : ''),
    };
  };
}

export function parseComposeVersion(text: string): string | undefined {
  return /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(text)?.[1];
}

export function kindOf(version: string): 'v1' | 'v2' {
  return Number(version.split('.')[0]) >= 2 ? 'v2' : 'v1';
}

/** What to try, in order: the configured command, else v2 then v1. */
export function composeCandidates(configured: string): { file: string; prefix: string[] }[] {
  const words = configured
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length > 0) return [{ file: words[0] as string, prefix: words.slice(1) }];
  return [
    { file: 'docker', prefix: ['compose'] },
    { file: 'docker-compose', prefix: [] },
  ];
}

export async function detectCompose(exec: Exec, configured = ''): Promise<ComposeTool | undefined> {
  for (const c of composeCandidates(configured)) {
    const r = await exec(c.file, [...c.prefix, 'version', '--short']);
    if (r.exitCode !== 0) continue;
    const version = parseComposeVersion(r.stdout);
    if (version === undefined) continue;
    return {
      kind: kindOf(version),
      version,
      file: c.file,
      prefix: c.prefix,
      display: [c.file, ...c.prefix].join(' '),
    };
  }
  return undefined;
}

export async function requireCompose(exec: Exec, configured = ''): Promise<ComposeTool> {
  const tool = await detectCompose(exec, configured);
  if (!tool) {
    const tried = composeCandidates(configured)
      .map((c) => [c.file, ...c.prefix].join(' '))
      .join(' and ');
    throw new KgcError('compose_missing', `neither ${tried} answered \`version\``);
  }
  return tool;
}

/** One compose project as the tool drives it: every path absolute, nothing left to the working directory. */
export interface ComposeProject {
  readonly project: string;
  readonly dir: string;
  readonly composeFile: string;
  readonly envFile: string;
  readonly profiles: readonly string[];
}

export function composeArgs(p: ComposeProject, args: readonly string[]): string[] {
  return [
    '-p',
    p.project,
    '--project-directory',
    p.dir,
    '-f',
    p.composeFile,
    '--env-file',
    p.envFile,
    ...p.profiles.flatMap((x) => ['--profile', x]),
    ...args,
  ];
}

export async function runCompose(
  tool: ComposeTool,
  exec: Exec,
  p: ComposeProject,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  return exec(tool.file, [...tool.prefix, ...composeArgs(p, args)], { cwd: p.dir, ...opts });
}

/** Runs compose and throws `compose_failed` with its own words when it fails. */
export async function mustCompose(
  tool: ComposeTool,
  exec: Exec,
  p: ComposeProject,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const r = await runCompose(tool, exec, p, args, opts);
  if (r.exitCode !== 0) {
    const said = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
    throw new KgcError(
      'compose_failed',
      `${tool.display} ${args[0] ?? ''} (project ${p.project}) failed with exit code ${r.exitCode}:\n${said}`,
    );
  }
  return r;
}
