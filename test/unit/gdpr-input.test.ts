/** What reaches a file name, a Redis pattern or a URL: customer ids, reasons and the configured key patterns. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { validateCustomerId, validateReason } from '../../src/formats/customer-id.js';
import { globEscape, patternsFor } from '../../src/gdpr/steps/redis.step.js';

describe('erasure input', () => {
  it('accepts ERP ids and refuses anything that could be a path, a pattern or an escape', () => {
    for (const ok of ['C-123', 'C-90010', 'c_1', '42', 'A'.repeat(64)])
      expect(validateCustomerId(ok)).toBe(ok);
    for (const bad of [
      '../x',
      'a/b',
      'a\\b',
      '..',
      '.hidden',
      '*',
      'a?',
      'a[1]',
      'a%2Fb',
      'a\u0000',
      'a:b',
      'a.json',
      '-rf',
      ' a',
      'a ',
      'ä',
      '',
      'A'.repeat(65),
      'a\nb',
    ]) {
      expect(() => validateCustomerId(bad), JSON.stringify(bad)).toThrow(/refused/);
    }
    expect(() => validateCustomerId(42)).toThrow(/string/);
    expect(validateReason('user_request')).toBe('user_request');
    for (const bad of ['User', 'a b', '', 'x'.repeat(41), 'drop;'])
      expect(() => validateReason(bad)).toThrow(/refused/);
  });

  it('takes key patterns only when {id} is a whole segment, so one customer never reaches another', () => {
    expect(loadConfig({}).gdprRedisPatterns).toEqual([
      'support:customer:{id}',
      'support:customer:{id}:*',
      'chat:{id}',
      'chat:{id}:*',
    ]);
    expect(loadConfig({ KGC_GDPR_REDIS_PATTERNS: 'p:{id}:*, {id}|x' }).gdprRedisPatterns).toEqual([
      'p:{id}:*',
      '{id}|x',
    ]);
    for (const bad of [
      '*',
      'chat:*',
      'chat:{id}*',
      'chat:*{id}:x',
      'chat:x{id}:y',
      'chat:{id}{id}',
      'chat:{id}-1',
      'chat:[{id}]',
    ]) {
      expect(() => loadConfig({ KGC_GDPR_REDIS_PATTERNS: bad }), bad).toThrow(
        /KGC_GDPR_REDIS_PATTERNS/,
      );
    }
    expect(patternsFor(['chat:{id}:*'], 'C-1')).toEqual(['chat:C-1:*']);
    expect(globEscape('a*b?[c]\\')).toBe('a\\*b\\?\\[c\\]\\\\');
  });
});
