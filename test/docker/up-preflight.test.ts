/**
 * `up` on a real engine when things are wrong: an image that is neither present nor
 * pullable is named, with how to get it, before anything starts (and doctor says the
 * same); a crash-looping daemon fails the wait at once with its last log lines, the
 * wait step is not shown as done, and a second `up` counts the crash-looping
 * container's port as the franchise's own instead of "taken by a process".
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker } from '../../src/docker/engine.js';
import { configuredPorts } from '../../src/docker/host-ports.js';
import {
  buildTestImages,
  dockerUnavailable,
  removeProject,
  TEST_HEALTHCHECK,
  type TestImages,
} from '../helpers/docker.js';
import { cliEnv, editFranchise, errorOf, freePortFlags, runCli, tempRoot } from '../helpers/cli.js';

const reason = await dockerUnavailable();
if (reason) console.warn(`SKIP docker up-preflight tests: ${reason}`);
const suite = reason ? describe.skip : describe;

const run = Date.now().toString(36).slice(-5);
const MISSING = `m${run}`;
const CRASH = `k${run}`;

async function containerCount(project: string): Promise<number> {
  return (
    await execa('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
  ).stdout
    .split('\n')
    .filter(Boolean).length;
}

suite('up before and while starting, on a real Docker engine', { timeout: 300_000 }, () => {
  let images: TestImages;
  let crashImage: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);

  async function install(id: string, override: Record<string, string>): Promise<string> {
    const all = {
      ...Object.fromEntries(
        Object.entries(images.overrides).map(([k, v]) => [k, `${v.image}:${v.tag}`]),
      ),
      ...override,
    };
    const init = await cli(
      'init',
      '--franchise',
      id,
      '--name',
      'Preflight Kft.',
      '--erp-database-url',
      'postgres://kgc_reader:pw@kgc-api:5432/kgc',
      ...Object.entries(all).flatMap(([k, v]) => ['--image', `${k}=${v}`]),
      ...(await freePortFlags()),
    );
    expect(init.code, init.err).toBe(0);
    const dir = join(root, id);
    editFranchise(dir, (doc) => {
      doc.healthcheck = { ...TEST_HEALTHCHECK };
    });
    const render = await cli('render', '--franchise', id);
    expect(render.code, render.err).toBe(0);
    return dir;
  }

  beforeAll(async () => {
    images = await buildTestImages();
    // A daemon stand-in that starts, says why it fails, and exits: the restart policy makes a crash loop of it.
    const base = images.overrides['kgc-support'] as { image: string; tag: string };
    const id = (await execa('docker', ['create', `${base.image}:${base.tag}`])).stdout.trim();
    crashImage = `kgc-test/crash:${images.tag}`;
    await execa('docker', [
      'commit',
      '--change',
      'CMD ["/bin/sh","-c","echo settings refused: crashing on purpose; exit 3"]',
      id,
      crashImage,
    ]);
    await execa('docker', ['rm', id]);
    root = tempRoot();
    env = cliEnv(root);
  }, 180_000);

  afterAll(async () => {
    for (const p of [`kgc-${MISSING}`, `kgc-${CRASH}`]) await removeProject(p);
    await execa('docker', ['rmi', '-f', crashImage], { reject: false });
    await images?.remove();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('refuses with image_missing, naming each missing image and how to get it, before starting anything', async () => {
    await install(MISSING, {
      redis: 'kgc-test/absent:nope',
      chatwoot: 'localhost:1/kgc-test/absent-chatwoot:v1',
    });
    const t0 = Date.now();
    const up = await cli('up', '--franchise', MISSING, '--json');
    expect(up.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(60_000);
    const err = errorOf(up.err);
    expect(err.code).toBe('image_missing');
    expect(err.message).toContain('kgc-test/absent:nope (for chatwoot-redis, kgc-support-redis)');
    expect(err.message).toContain(
      'localhost:1/kgc-test/absent-chatwoot:v1 (for chatwoot-web, chatwoot-worker)',
    );
    expect(err.message).toContain('docker load -i');
    expect(err.message).toContain('images: redis');
    expect(err.message).toContain('docker pull localhost:1/kgc-test/absent-chatwoot:v1');
    expect(err.message).not.toContain(images.overrides['kgc-support']?.image); // present images are not listed
    expect(await containerCount(`kgc-${MISSING}`)).toBe(0);

    const doctor = await cli('doctor', '--franchise', MISSING, '--json');
    const check = doctor
      .json<{ checks: { check: string; status: string; detail: string; hint?: string }[] }>()
      .checks.find((c) => c.check === `images ${MISSING}`);
    expect(check?.status).toBe('fail');
    expect(check?.detail).toContain('kgc-test/absent:nope');
    expect(check?.hint).toContain('docker load -i');
  });

  it('doctor passes the image check when every image is present', async () => {
    await install(CRASH, { 'kgc-support': crashImage });
    const doctor = await cli('doctor', '--franchise', CRASH, '--json');
    const check = doctor
      .json<{ checks: { check: string; status: string; detail: string }[] }>()
      .checks.find((c) => c.check === `images ${CRASH}`);
    expect(check?.status, check?.detail).toBe('pass');
  });

  it('fails the wait at once on a crash loop, with its log lines, and never shows the wait as done', async () => {
    const t0 = Date.now();
    const up = await cli(
      'up',
      '--franchise',
      CRASH,
      '--service',
      'kgc-support',
      '--timeout',
      '240s',
    );
    expect(up.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(150_000); // a crash loop is final: not the 240 s timeout
    expect(up.err).toMatch(/kgc-support: crash loop/);
    expect(up.err).toContain('settings refused: crashing on purpose');
    expect(up.err).not.toMatch(/✔ Wait until they are healthy/);
    expect(up.err).toMatch(/✖ Wait until they are healthy/);
    expect(up.err).toContain(`franchise ${CRASH}: kgc-support not healthy`);
  });

  it("a second up counts the crash-looping container's port as the franchise's own", async () => {
    // Whether it is between restarts (no port listed) or running (its docker-proxy holds the port), the port is its own.
    const port = (
      parse(readFileSync(join(root, CRASH, 'franchise.yaml'), 'utf8')) as {
        ports: { daemon: number };
      }
    ).ports.daemon;
    expect((await configuredPorts(connectDocker(), [`kgc-${CRASH}`])).get(port)?.name).toMatch(
      /kgc-support/,
    );
    const up = await cli(
      'up',
      '--franchise',
      CRASH,
      '--service',
      'kgc-support',
      '--timeout',
      '240s',
      '--json',
    );
    expect(up.code).toBe(1);
    expect(up.err).not.toContain('taken by');
    expect(errorOf(up.err).code).toBe('support_unhealthy');
  });
});
