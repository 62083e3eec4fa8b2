/**
 * The optional parts of the Support stack (seed 11.1): Whisper's OpenAI key, Google
 * Calendar, an SMS provider. Unset, everything renders and the compose tool accepts it;
 * set, the chatbot gets them and the keys stay in the 0600 files, out of the output and
 * of `render --diff`. And the starter FAQ of the knowledge base: written once, never over
 * an edited one.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env-format.js';
import { cliEnv, editFranchise, ERP_FLAGS, runCli, tempRoot } from '../helpers/cli.js';

const composeV1 =
  (await execa('docker-compose', ['version', '--short'], { reject: false })).exitCode === 0;
if (!composeV1) console.warn('SKIP compose validation tests: docker-compose is not installed');

const OPENAI = 'sk-proj-whisper-test-key-0123456789';
const SMS_KEY = 'sms-token-test-9876543210';
const CALENDAR = 'kgc-gamma@group.calendar.google.com';
const CREDENTIALS_IN_CONTAINER = '/run/secrets/google-calendar-credentials.json';
const OPTIONAL_VARS = [
  'OPENAI_API_KEY',
  'GOOGLE_CALENDAR_ID',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'SMS_PROVIDER',
  'SMS_SENDER_ID',
  'SMS_API_KEY',
];

type Volume = string | { type: string; source: string; target: string; read_only?: boolean };
type ComposeDoc = {
  services: Record<string, { environment?: Record<string, string | null>; volumes?: Volume[] }>;
};
type RenderResult = {
  files: { path: string }[];
  knowledge_base: { path: string; action: string }[];
  validated_by: string | null;
};

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const mode = (dir: string, f: string) => statSync(join(dir, f)).mode & 0o777;

/** What the compose tool makes of a project: its own `config`, parsed. */
async function composeConfig(cwd: string, file: string): Promise<ComposeDoc> {
  const r = await execa('docker-compose', ['-f', file, '--profile', 'support', 'config'], {
    cwd,
    env: { PATH: process.env.PATH },
    extendEnv: false,
  });
  return parse(r.stdout.replaceAll('$$', '$')) as ComposeDoc;
}

const targets = (vols: Volume[] | undefined) =>
  (vols ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target));

describe('render: the optional Support stack services', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(() => {
    root = tempRoot();
    env = cliEnv(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const [id, layout, cwd, file, envFile] of [
    ['plain', 'profiles', '', 'docker-compose.yml', '.env'],
    ['plain-a', 'separate', 'support', 'docker-compose.support.yml', 'support/.env'],
  ] as const) {
    it(`none configured (${layout}): renders, the compose tool accepts it, the chatbot gets empty values and no credentials mount`, async () => {
      expect(
        (
          await cli(
            'init',
            '--franchise',
            id,
            '--name',
            'KGC Plain',
            '--layout',
            layout,
            ...ERP_FLAGS,
          )
        ).code,
      ).toBe(0);
      const dir = join(root, id);
      const r = await cli('render', '--franchise', id, '--json');
      expect(r.code, r.err).toBe(0);
      if (composeV1) expect(r.json<RenderResult[]>()[0]?.validated_by).toMatch(/docker-compose/);
      const vars = parseEnv(read(dir, envFile));
      for (const name of OPTIONAL_VARS) expect(vars.get(name), name).toBe('');
      const secrets = parseEnv(read(dir, 'secrets.env'));
      expect(secrets.get('OPENAI_API_KEY')).toBe('');
      expect(secrets.get('SMS_API_KEY')).toBe('');
      if (!composeV1) return;
      const chatbot = (await composeConfig(join(dir, cwd), file)).services['support-chatbot'];
      for (const name of OPTIONAL_VARS) expect(chatbot?.environment?.[name] ?? '', name).toBe('');
      expect(targets(chatbot?.volumes)).toEqual(['/opt/chatwoot/memory']);
    });
  }

  it('refuses a Google Calendar whose credentials file is not there, naming the field', async () => {
    const init = await cli(
      'init',
      '--franchise',
      'nofile',
      '--name',
      'KGC',
      ...ERP_FLAGS,
      '--calendar-id',
      CALENDAR,
      '--calendar-credentials',
      'google.json',
    );
    expect(init.code, init.err).toBe(0);
    const r = await cli('render', '--franchise', 'nofile');
    expect(r.code).toBe(2);
    expect(r.err).toContain('support.google_calendar.credentials_file');
    expect(() => statSync(join(root, 'nofile', '.env'))).toThrow();
  });

  it('init refuses half a Google Calendar', async () => {
    const r = await cli(
      'init',
      '--franchise',
      'half',
      '--name',
      'KGC',
      ...ERP_FLAGS,
      '--calendar-id',
      CALENDAR,
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('--calendar-credentials');
  });

  it('all configured: the chatbot gets them, the keys only in the 0600 files, never in the output or the diff', async () => {
    const withKeys = cliEnv(root, { OPENAI_API_KEY: OPENAI, SMS_API_KEY: SMS_KEY });
    const init = await runCli(
      [
        'init',
        '--franchise',
        'gamma',
        '--name',
        'KGC Gamma',
        ...ERP_FLAGS,
        '--calendar-id',
        CALENDAR,
        '--calendar-credentials',
        'google-credentials.json',
        '--sms-provider',
        'twilio',
        '--sms-sender-id',
        'KGC',
      ],
      withKeys,
    );
    expect(init.code, init.err).toBe(0);
    const dir = join(root, 'gamma');
    writeFileSync(join(dir, 'google-credentials.json'), '{"type":"service_account"}\n', {
      mode: 0o600,
    });
    const r = await cli('render', '--franchise', 'gamma');
    expect(r.code, r.err).toBe(0);

    const vars = parseEnv(read(dir, '.env'));
    expect(mode(dir, '.env')).toBe(0o600);
    expect(mode(dir, 'secrets.env')).toBe(0o600);
    expect(vars.get('OPENAI_API_KEY')).toBe(OPENAI);
    expect(vars.get('SMS_API_KEY')).toBe(SMS_KEY);
    expect(parseEnv(read(dir, 'secrets.env')).get('OPENAI_API_KEY')).toBe(OPENAI);
    expect(read(dir, 'docker-compose.yml')).not.toContain(OPENAI);
    for (const out of [init.out, init.err, r.out, r.err]) {
      expect(out).not.toContain(OPENAI);
      expect(out).not.toContain(SMS_KEY);
    }

    if (composeV1) {
      const chatbot = (await composeConfig(dir, 'docker-compose.yml')).services['support-chatbot'];
      expect(chatbot?.environment).toMatchObject({
        OPENAI_API_KEY: OPENAI,
        GOOGLE_CALENDAR_ID: CALENDAR,
        GOOGLE_APPLICATION_CREDENTIALS: CREDENTIALS_IN_CONTAINER,
        SMS_PROVIDER: 'twilio',
        SMS_SENDER_ID: 'KGC',
        SMS_API_KEY: SMS_KEY,
      });
      expect(chatbot?.volumes).toContainEqual(
        expect.objectContaining({
          type: 'bind',
          source: join(dir, 'google-credentials.json'),
          target: CREDENTIALS_IN_CONTAINER,
          read_only: true,
        }),
      );
      // Only the chatbot: the context manager gets neither the keys nor the file.
      const context = (await composeConfig(dir, 'docker-compose.yml')).services['support-context'];
      expect(JSON.stringify(context)).not.toContain(OPENAI);
      expect(targets(context?.volumes)).not.toContain(CREDENTIALS_IN_CONTAINER);
    }

    // A hand edit and a changed setting: --diff shows the drift, never a key.
    writeFileSync(
      join(dir, '.env'),
      read(dir, '.env').replace(/^SMS_API_KEY=.*$/m, 'SMS_API_KEY=sms-typed-by-hand-555'),
    );
    editFranchise(dir, (doc) => {
      (doc.support as { sms: { sender_id: string } }).sms.sender_id = 'KGC-GAMMA';
    });
    const diff = await cli('render', '--franchise', 'gamma', '--diff');
    expect(diff.code, diff.err).toBe(0);
    expect(diff.out).toContain('+SMS_SENDER_ID=KGC-GAMMA');
    expect(diff.out).toContain('-SMS_API_KEY=<secret SMS_API_KEY: another value>');
    for (const s of [OPENAI, SMS_KEY, 'sms-typed-by-hand-555']) expect(diff.out).not.toContain(s);
  });

  it('removing a service from franchise.yaml empties its values and drops the mount', async () => {
    const dir = join(root, 'gamma');
    editFranchise(dir, (doc) => {
      const support = doc.support as Record<string, unknown>;
      delete support.google_calendar;
      delete support.sms;
    });
    const r = await cli('render', '--franchise', 'gamma');
    expect(r.code, r.err).toBe(0);
    const vars = parseEnv(read(dir, '.env'));
    for (const name of [
      'GOOGLE_CALENDAR_ID',
      'GOOGLE_APPLICATION_CREDENTIALS',
      'GOOGLE_CREDENTIALS_FILE',
      'SMS_PROVIDER',
      'SMS_SENDER_ID',
    ])
      expect(vars.get(name), name).toBe('');
    expect(read(dir, 'docker-compose.yml')).not.toContain(CREDENTIALS_IN_CONTAINER);
    expect(vars.get('OPENAI_API_KEY')).toBe(OPENAI); // a secret stays until removed from secrets.env
  });

  it('writes the starter FAQ once, in Hungarian; an edited FAQ survives a re-render', async () => {
    const dir = join(root, 'plain');
    const faq = join(dir, 'knowledge-base', 'gyik.md');
    const text = readFileSync(faq, 'utf8');
    for (const topic of [
      'Nyitvatartás',
      'telefonszám',
      'Bérlés',
      'kaució',
      'Meghosszabbíthatom',
      'Javítás',
      'árajánlat',
      'Rendelés',
      'KGC Plain',
    ])
      expect(text, topic).toContain(topic);
    expect(statSync(faq).mode & 0o777).toBe(0o644);

    const again = await cli('render', '--franchise', 'plain', '--json', '--no-validate');
    expect(again.code, again.err).toBe(0);
    expect(again.json<RenderResult[]>()[0]?.knowledge_base).toEqual([
      { path: 'knowledge-base/gyik.md', action: 'kept' },
    ]);

    const edited = `${text}\n**Van kávé?** Igen, a pultnál.\n`;
    writeFileSync(faq, edited);
    expect((await cli('render', '--franchise', 'plain', '--no-validate')).code).toBe(0);
    expect(readFileSync(faq, 'utf8')).toBe(edited);
    expect((await cli('render', '--franchise', 'plain', '--check')).code).toBe(0); // the FAQ is the franchise's: no drift

    rmSync(faq);
    const back = await cli('render', '--franchise', 'plain', '--json', '--no-validate');
    expect(back.json<RenderResult[]>()[0]?.knowledge_base).toEqual([
      { path: 'knowledge-base/gyik.md', action: 'created' },
    ]);
    expect(readFileSync(faq, 'utf8')).toBe(text);
  });
});
