/**
 * Every value `init` accepts renders, and the daemon accepts the environment its container
 * then gets (checkDaemonEnv, the daemon's own start-time check); every name `init` refuses,
 * `render` refuses too, with the same message. A loop over tricky names, account ids and
 * account numbers.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDaemonEnv } from '../../src/config/daemon-env-check.js';
import { daemonEnvironment } from '../../src/render/daemon-env.js';
import { cliEnv, editFranchise, ERP_FLAGS, runCli, tempRoot } from '../helpers/cli.js';

const NAMES = [
  'Kovács és Fia Kft.',
  'Kovács és Fia Kft. #2 $',
  '$',
  '$$',
  '$5',
  'a $b',
  '$HOME',
  '${HOME}',
  'Kft. ${HOME}',
  '$(rm -rf /)',
  '`id`',
  "It's $5",
  'Say "$5"',
  'back\\slash $',
  "It's",
  'Say "hi"',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  'line\nbreak $',
  '#not a comment',
  'x #y',
  ' lead and trail ',
  '=',
  'a=b',
  "'",
  '"',
  '\\',
  '\'"\\',
  'Ő Ű ő ű',
  '日本語',
  '🙂 emoji',
  'a'.repeat(200),
  '%s %d',
  '{{ franchise_id }}',
  '<script>',
  'O\'Neil & "Társa" 100%',
  '\u00a0nbsp',
  'null',
  'true',
  '0',
  '- dash',
  ': colon',
  '*star',
];

const ACCOUNT_IDS = ['kgc-x', "acct #1 'x'", '$5', 'a"b', 'x\\y'];

describe('every value init accepts renders, and the daemon accepts its environment', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);
  const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';

  beforeAll(async () => {
    root = tempRoot();
    env = cliEnv(root);
    // A franchise whose name render is then given each name init refused.
    expect((await cli('init', '--franchise', 'probe', '--name', 'Probe', ...ERP_FLAGS)).code).toBe(
      0,
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function daemonEnvOf(id: string): Record<string, string> {
    return daemonEnvironment({
      composeText: readFileSync(join(root, id, 'docker-compose.yml'), 'utf8'),
      envText: readFileSync(join(root, id, '.env'), 'utf8'),
    });
  }

  it('names', { timeout: 300_000 }, async () => {
    let accepted = 0;
    for (const [i, name] of NAMES.entries()) {
      const id = `n${i}`;
      const init = await cli('init', '--franchise', id, '--name', name, ...ERP_FLAGS);
      if (init.code === 0) {
        accepted++;
        const r = await cli('render', '--franchise', id, '--no-validate');
        expect(r.code, `${JSON.stringify(name)}: ${r.err}`).toBe(0);
        const denv = daemonEnvOf(id);
        expect(checkDaemonEnv(denv), JSON.stringify(name)).toEqual([]);
        rmSync(join(root, id), { recursive: true, force: true });
      } else {
        expect(init.code, `${JSON.stringify(name)}: ${init.err}`).toBe(2);
        editFranchise(join(root, 'probe'), (doc) => {
          doc.name = name;
        });
        const r = await cli('render', '--franchise', 'probe', '--no-validate');
        expect(r.code, JSON.stringify(name)).toBe(init.code);
        expect(firstLine(r.err), JSON.stringify(name)).toBe(firstLine(init.err));
      }
    }
    expect(accepted).toBeGreaterThan(NAMES.length / 2);
    expect(accepted).toBeLessThan(NAMES.length); // the refusals were tried too
  });

  it('Chatwoot account ids and numbers', { timeout: 120_000 }, async () => {
    for (const [i, account] of ACCOUNT_IDS.entries()) {
      for (const number of [undefined, '1', '42']) {
        const id = `a${i}-${number ?? 'd'}`;
        const init = await cli(
          'init',
          '--franchise',
          id,
          '--name',
          'Acct',
          '--chatwoot-account-id',
          account,
          ...(number ? ['--chatwoot-account-number', number] : []),
          ...ERP_FLAGS,
        );
        if (init.code !== 0) continue;
        const r = await cli('render', '--franchise', id, '--no-validate');
        expect(r.code, `${account}/${number}: ${r.err}`).toBe(0);
        const denv = daemonEnvOf(id);
        expect(checkDaemonEnv(denv)).toEqual([]);
        expect(denv.CHATWOOT_ACCOUNT_NUMBER).toBe(number ?? '1');
        expect(denv.CHATWOOT_ACCOUNT_ID).toBeUndefined();
      }
    }
    for (const bad of ['0', '-1', 'kgc-x', '1.5', '']) {
      const r = await cli(
        'init',
        '--franchise',
        'badnum',
        '--name',
        'X',
        '--chatwoot-account-number',
        bad,
        ...ERP_FLAGS,
      );
      expect(r.code, bad).toBe(2);
    }
  });
});
