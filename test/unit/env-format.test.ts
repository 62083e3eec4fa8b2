/**
 * .env spelling: every value that compose v1 and v2 can read alike comes back as it
 * went in; the rest is refused by name. (That compose itself reads it back is shown in
 * test/render/render.test.ts.)
 */
import { parse as dotenvParse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { encodeEnvValue, envLine, parseEnv } from '../../src/render/env-format.js';

const roundTrip = (v: string) => parseEnv(`${envLine('K', v)}\n`).get('K');

describe('.env values', () => {
  it.each([
    ['plain', 'kgc-franchise-a', 'kgc-franchise-a'],
    ['url', 'http://support-chatbot:5001', 'http://support-chatbot:5001'],
    ['base64', 'whsec_ab+/cd==', 'whsec_ab+/cd=='],
    ['empty', '', ''],
    ['hungarian name with # and $', 'Kovács és Fia Kft. #2 $', "'Kovács és Fia Kft. #2 $'"],
    ['double quotes and spaces', 'a "b" c', '\'a "b" c\''],
    ['single quote', "O'Neil #1", '"O\'Neil #1"'],
    ['backslash', 'C:\\kgc', '"C:\\\\kgc"'],
    ['newline', 'line 1\nline 2', '"line 1\\nline 2"'],
  ])('%s', (_label, value, written) => {
    expect(encodeEnvValue('K', value)).toBe(written);
    expect(roundTrip(value)).toBe(value);
  });

  it('refuses what no spelling keeps alike, naming the variable', () => {
    expect(() => encodeEnvValue('NAME', 'Kft ${HOME}')).toThrow(/NAME.*\$\{/);
    expect(() => encodeEnvValue('NAME', "It's $5")).toThrow(/NAME/);
    expect(() => encodeEnvValue('NAME', 'a\\b $')).toThrow(/NAME/);
    expect(() => encodeEnvValue('NAME', 'nul\0')).toThrow(/NUL/);
    expect(() => envLine('BAD-KEY', 'x')).toThrow(/not a valid environment variable name/);
  });

  it('reads comments, blank lines, export and unquoted trailing comments as compose does', () => {
    const env = parseEnv('# c\n\nexport A=1\nB=two # note\nC="x # y"\nD=\'#z\'\nA=3\n');
    expect(Object.fromEntries(env)).toEqual({ A: '3', B: 'two', C: 'x # y', D: '#z' });
  });

  it("keeps its own parser: npm's dotenv reads two of compose's forms differently (measured)", () => {
    // What docker compose v1 reads (python-dotenv 1.x, measured): a # inside a bare value is
    // part of it, and "\\" in double quotes is one backslash. Ours agrees; dotenv 17 does not.
    const text = 'G=x#y\nB="C:\\\\kgc"\nS = spaced\nexport E=exported\n';
    const compose = { G: 'x#y', B: 'C:\\kgc', S: 'spaced', E: 'exported' };
    expect(Object.fromEntries(parseEnv(text))).toEqual(compose);
    const dotenv = dotenvParse(text);
    expect(dotenv.G).toBe('x');
    expect(dotenv.B).toBe('C:\\\\kgc');
    // Both spaced and exported lines it reads as compose does: only the two above differ.
    expect({ S: dotenv.S, E: dotenv.E }).toEqual({ S: 'spaced', E: 'exported' });
  });
});
