/**
 * Finding the compose tool: v2 (`docker compose`) first, then `docker-compose` (v1, or
 * a standalone v2), or the configured command; and the environment it runs in.
 */
import { describe, expect, it } from 'vitest';
import {
  cleanEnv,
  composeArgs,
  detectCompose,
  parseComposeVersion,
  requireCompose,
  type Exec,
} from '../../src/docker/compose.js';

/** A fake host: command line → what it prints (missing: not installed). */
function host(answers: Record<string, string>): Exec & { calls: string[] } {
  const calls: string[] = [];
  const exec = (async (file: string, args: readonly string[]) => {
    const line = [file, ...args].join(' ');
    calls.push(line);
    const out = answers[line];
    return out === undefined
      ? { exitCode: 127, stdout: '', stderr: `${file}: not found` }
      : { exitCode: 0, stdout: out, stderr: '' };
  }) as Exec & { calls: string[] };
  exec.calls = calls;
  return exec;
}

describe('compose detection', () => {
  it('prefers docker compose (v2) when both are installed', async () => {
    const exec = host({
      'docker compose version --short': '2.29.7\n',
      'docker-compose version --short': '1.29.2\n',
    });
    expect(await detectCompose(exec)).toEqual({
      kind: 'v2',
      version: '2.29.7',
      file: 'docker',
      prefix: ['compose'],
      display: 'docker compose',
    });
    expect(exec.calls).toEqual(['docker compose version --short']);
  });

  it('falls back to docker-compose v1', async () => {
    const exec = host({ 'docker-compose version --short': '1.29.2\n' });
    expect(await detectCompose(exec)).toMatchObject({
      kind: 'v1',
      version: '1.29.2',
      file: 'docker-compose',
      prefix: [],
    });
  });

  it('knows a standalone docker-compose v2 binary as v2', async () => {
    expect(
      await detectCompose(host({ 'docker-compose version --short': 'v2.24.6\n' })),
    ).toMatchObject({ kind: 'v2', version: '2.24.6' });
  });

  it('uses only the configured command when one is set', async () => {
    const exec = host({
      'docker compose version --short': '2.29.7',
      '/opt/bin/docker-compose version --short': '1.29.2',
    });
    expect(await detectCompose(exec, '/opt/bin/docker-compose')).toMatchObject({
      kind: 'v1',
      file: '/opt/bin/docker-compose',
    });
    expect(exec.calls).toEqual(['/opt/bin/docker-compose version --short']);
  });

  it('says compose_missing, naming what it tried, when none answers', async () => {
    await expect(requireCompose(host({}))).rejects.toMatchObject({
      code: 'compose_missing',
      message: expect.stringContaining('docker compose and docker-compose'),
    });
  });

  it('reads the versions the tools print', () => {
    expect(parseComposeVersion('v2.27.0')).toBe('2.27.0');
    expect(parseComposeVersion('2.27.0+ds1-0ubuntu1~22.04.1')).toBe('2.27.0+ds1-0ubuntu1');
    expect(parseComposeVersion('docker-compose version 1.29.2, build unknown')).toBe('1.29.2');
    expect(parseComposeVersion('no version here')).toBeUndefined();
  });

  it('runs compose with a clean environment: shell variables cannot override the rendered .env', () => {
    const env = cleanEnv({
      PATH: '/bin',
      HOME: '/root',
      DOCKER_HOST: 'unix:///x.sock',
      SUPPORT_API_KEY: 'leak',
      COMPOSE_PROJECT_NAME: 'other',
      COMPOSE_PROFILES: 'support',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/root', DOCKER_HOST: 'unix:///x.sock' });
  });

  it('passes every path and the profile explicitly', () => {
    expect(
      composeArgs(
        {
          project: 'kgc-a',
          dir: '/f/a',
          composeFile: '/f/a/docker-compose.yml',
          envFile: '/f/a/.env',
          profiles: ['support'],
        },
        ['rm', '--stop', '--force', 'support-chatbot'],
      ),
    ).toEqual([
      '-p',
      'kgc-a',
      '--project-directory',
      '/f/a',
      '-f',
      '/f/a/docker-compose.yml',
      '--env-file',
      '/f/a/.env',
      '--profile',
      'support',
      'rm',
      '--stop',
      '--force',
      'support-chatbot',
    ]);
  });
});
