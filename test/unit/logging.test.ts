import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDaemonLogger, logDestination } from '../../src/daemon/logger.js';
import { until } from '../helpers/receiver.js';

describe('daemon log', () => {
  it('redacts keys, secrets, passwords and authorization headers wherever they appear', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createDaemonLogger('info', sink);
    log.info(
      { req: { headers: { authorization: 'Bearer kgc_SECRET1', 'x-api-key': 'kgc_SECRET2' } } },
      'request',
    );
    log.info(
      {
        api_key: 'kgc_SECRET3',
        secret: 'whsec_SECRET4',
        databaseUrl: 'postgres://u:SECRET5@h/db',
        nested: { password: 'SECRET6', token: 'SECRET7' },
      },
      'fields',
    );
    log.flush();
    await until(() => lines.join('').includes('"msg":"fields"'), 5_000, 'both lines in the sink');
    const text = lines.join('');
    expect(text).toContain('"msg":"request"');
    expect(text).toContain('[Redacted]');
    for (const s of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'SECRET6', 'SECRET7'])
      expect(text).not.toContain(s);
  });

  it('is JSON lines unless a person is reading: pretty on a terminal or when asked, still redacted, colour only without NO_COLOR', async () => {
    expect(await logDestination('auto', {}, false)).toBeUndefined();
    expect(await logDestination('json', {}, true)).toBeUndefined();
    const read = async (format: 'auto' | 'pretty', env: NodeJS.ProcessEnv, tty: boolean) => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      });
      const dest = await logDestination(format, env, tty, sink);
      expect(dest).toBeDefined();
      const log = createDaemonLogger('info', dest);
      log.warn({ api_key: 'kgc_SECRET8', url: 'http://127.0.0.1:3030' }, 'daemon listening');
      await until(() => lines.join('').includes('daemon listening'), 5_000, 'the pretty line');
      return lines.join('');
    };
    const plain = await read('pretty', { NO_COLOR: '1' }, true);
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: daemon listening /);
    expect(plain).toContain('"api_key":"[Redacted]"');
    expect(plain).not.toContain('SECRET8');
    expect(plain).not.toContain('\u001b[');
    expect(plain).not.toContain('"level"');
    expect(await read('auto', {}, true)).toContain('\u001b[');
  });
});
