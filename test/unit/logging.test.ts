import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDaemonLogger } from '../../src/daemon/logger.js';

describe('daemon log', () => {
  it('redacts keys, secrets, passwords and authorization headers wherever they appear', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createDaemonLogger('info', sink);
    log.info({ req: { headers: { authorization: 'Bearer kgc_SECRET1', 'x-api-key': 'kgc_SECRET2' } } }, 'request');
    log.info({ api_key: 'kgc_SECRET3', secret: 'whsec_SECRET4', databaseUrl: 'postgres://u:SECRET5@h/db', nested: { password: 'SECRET6', token: 'SECRET7' } }, 'fields');
    log.flush();
    await new Promise((r) => setTimeout(r, 50));
    const text = lines.join('');
    expect(text).toContain('"msg":"request"');
    expect(text).toContain('[Redacted]');
    for (const s of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'SECRET6', 'SECRET7']) expect(text).not.toContain(s);
  });
});
