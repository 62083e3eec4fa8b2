/**
 * The support bundle's redactor by shape alone (no known values): each kind of text a
 * bundle holds, with a secret in the place such text keeps one, comes out without it,
 * and what is not secret stays readable.
 */
import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  isSecretName,
  redactJson,
  REDACTED,
  secretValuesOf,
} from '../../src/bundle/redact.js';
import { projectFilesOf } from '../../src/render/model.js';
import { RENDERED_FILES } from '../../src/bundle/franchise-files.js';
import type { Franchise } from '../../src/franchise/franchise.schema.js';

const S = 'Zq8vR2mW9xK4tY7p';
const byShape = createRedactor([]);

describe('redaction by shape', () => {
  const cases: [string, string][] = [
    ['an env line', `CHATWOOT_POSTGRES_PASSWORD=${S}`],
    ['an exported env line', `export MY_API_KEY='${S}'`],
    ['a compose list item', `      - SMTP_PASSWORD=${S}`],
    ['a YAML mapping', `    GEMINI_API_KEY: "${S}"`],
    ['a camelCase key', `  secretKeyBase: ${S}`],
    ['an HTTP header', `x-api-key: ${S}`],
    ['a JSON log line', `{"level":30,"authorization":"${S}","msg":"x"}`],
    ['a URL password', `connecting to postgres://kgc:${S}@db:5432/kgc`],
    ['a query parameter', `GET /x?access_token=${S}&page=2`],
    ['a libpq conninfo', `host=db user=kgc password=${S} dbname=kgc`],
    ['a kgc_ API key', `key kgc_${S}abc123 used`],
    ['a webhook secret', `secret whsec_${S}+/=`],
    ['an sk_ key', `SUPPORT=sk_${S}`],
    ['a Bearer credential', `curl -H 'Authorization: Bearer ${S}'`],
    ['a YAML block scalar', `private_key: |\n  ${S}\n  ${S}\nnext: 1`],
    ['a PEM private key', `-----BEGIN RSA PRIVATE KEY-----\n${S}\n-----END RSA PRIVATE KEY-----`],
  ];
  for (const [what, text] of cases)
    it(`hides ${what}`, () => {
      const out = byShape(text);
      expect(out).not.toContain(S);
      expect(out).toContain(REDACTED);
    });

  it('keeps what is not secret', () => {
    const text = [
      'KGC_SUPPORT_PORT=3030',
      'KGC_SUPPORT_HEALTH_KEY_EXPIRY=14d,3d',
      'KGC_SUPPORT_HEALTH_SECRET_AGE=90d',
      'SUPPORT_API_URL=http://support-chatbot:5001',
      'PWD=/srv/kgc',
      'image: postgres:16-alpine',
      'CHATWOOT_API_ACCESS_TOKEN=',
      'author: Kovács János',
      'postgres://kgc@db:5432/kgc',
    ].join('\n');
    expect(byShape(text)).toBe(text);
  });

  it('keeps JSON valid: a secret-named string is replaced, numbers and objects are walked', () => {
    const doc = {
      checks: { 'keys:expiry': [{ observedValue: 3, status: 'warn' }] },
      api_key: S,
      nested: [{ password: S, url: `redis://:${S}@r:6379` }],
      keyExpiry: 14,
    };
    const out = redactJson(doc, byShape);
    expect(JSON.stringify(out)).not.toContain(S);
    expect(out).toMatchObject({ keyExpiry: 14, checks: doc.checks, api_key: REDACTED });
  });

  it('hides known values wherever they are, URL-encoded too', () => {
    const known = 'p@ss w0rd/with:odd';
    const r = createRedactor([known]);
    expect(r(`a log line about ${known} and ${encodeURIComponent(known)}`)).toBe(
      `a log line about ${REDACTED} and ${REDACTED}`,
    );
    expect(r.known).toBe(2);
  });

  it("knows an environment's secrets by name and by URL", () => {
    expect(
      secretValuesOf({
        ACME_TOKEN: 'tok-123456',
        DATABASE_URL: 'postgres://u:p%40ssw0rd@h/db',
        PORT: '3030',
      }).sort(),
    ).toEqual(['p%40ssw0rd', 'p@ssw0rd', 'tok-123456']);
    expect(isSecretName('KGC_SUPPORT_HEALTH_KEY_EXPIRY')).toBe(false);
    expect(isSecretName('SUPPORT_WEBHOOK_SECRET')).toBe(true);
  });
});

describe('the franchise files a bundle reads', () => {
  it('are the files render writes for each layout', () => {
    for (const layout of ['profiles', 'separate'] as const) {
      const f = { id: 'x', layout } as unknown as Franchise;
      const files = projectFilesOf(f).flatMap((p) => [p.composeFile, p.envFile]);
      expect(RENDERED_FILES[layout]).toEqual(files);
    }
  });
});
