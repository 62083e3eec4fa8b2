/**
 * The daemon's own image, built offline from this machine's Node.js
 * (scripts/build-image.sh), runs the real daemon: healthy by its own healthcheck,
 * answering the Pull API with the demo key it prints, as a non-root user.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerUnavailable, pollFor } from '../helpers/docker.js';

const ROOT = resolve(import.meta.dirname, '../..');
const skip = await dockerUnavailable();
if (skip) console.warn(`\n!!! SKIP daemon image tests: ${skip}\n`);

describe.skipIf(skip !== undefined)('the daemon image', () => {
  const tag = `kgc-support:test-${randomBytes(4).toString('hex')}`;
  const name = `kgc-daemon-test-${randomBytes(4).toString('hex')}`;
  let url = '';

  beforeAll(async () => {
    await execa('bash', [resolve(ROOT, 'scripts/build-image.sh'), tag], { cwd: ROOT });
    await execa('docker', [
      'run',
      '-d',
      '--name',
      name,
      '--health-interval',
      '1s',
      '-p',
      '127.0.0.1::3030',
      tag,
      'serve',
      '--demo',
    ]);
    const port = (await execa('docker', ['port', name, '3030/tcp'])).stdout.trim().split(':').pop();
    url = `http://127.0.0.1:${port}`;
  }, 300_000);

  afterAll(async () => {
    await execa('docker', ['rm', '-f', name], { reject: false });
    await execa('docker', ['rmi', '-f', tag], { reject: false });
  });

  it('becomes healthy and answers the seed example with the demo key', async () => {
    // serve --demo creates its store and the demo data first: seconds alone, over a minute when the suite loads both cores.
    const health = await pollFor('the container to become healthy', 180_000, async () => {
      const status = (
        await execa('docker', ['inspect', '--format', '{{.State.Health.Status}}', name])
      ).stdout.trim();
      if (status !== 'healthy') throw new Error(`health status ${status}`);
      return status;
    });
    expect(health).toBe('healthy');
    const logs = await execa('docker', ['logs', name]);
    const key = /\n {2}(kgc_[0-9A-Za-z]{36})\n/.exec(logs.stderr)?.[1];
    expect(key).toBeDefined();
    const res = await fetch(`${url}/api/service/worklogs/M-2025-0123/status`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status_hu: string }).status_hu).toBe('Javítás folyamatban');
    expect(logs.stdout).not.toContain(key as string);
  }, 240_000);

  it('runs as an unprivileged user', async () => {
    const user = (
      await execa('docker', ['inspect', '--format', '{{.Config.User}}', name])
    ).stdout.trim();
    expect(user).toBe('10001:10001');
  });
});
