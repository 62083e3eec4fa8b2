/**
 * The socket client's failures are catalogue errors: no daemon on the socket is
 * daemon_unreachable (and says so, for the CLI to open the store itself); a socket
 * that answers nothing within the time is daemon_unreachable too, but a daemon is there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminInfo, nobodyListens } from '../../src/admin/client.js';
import { KgcError } from '../../src/errors/kgc-error.js';

const dir = mkdtempSync(join(tmpdir(), 'kgc-client-'));
let silent: Server | undefined;
afterAll(() => {
  silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the admin socket client', () => {
  it('no socket: daemon_unreachable, nobody listens', async () => {
    const err: unknown = await adminInfo(join(dir, 'none.sock'), 2_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KgcError);
    expect((err as KgcError).code).toBe('daemon_unreachable');
    expect(nobodyListens(err)).toBe(true);
  });

  it('a socket that never answers: daemon_unreachable after the time, but someone listens', async () => {
    const path = join(dir, 'silent.sock');
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent?.listen(path, resolve));
    const err: unknown = await adminInfo(path, 300).catch((e: unknown) => e);
    expect((err as KgcError).code).toBe('daemon_unreachable');
    expect((err as KgcError).message).toMatch(/did not answer .* within 0.3s/);
    expect(nobodyListens(err)).toBe(false);
    expect(nobodyListens(new Error('ECONNREFUSED'))).toBe(false);
  });
});
