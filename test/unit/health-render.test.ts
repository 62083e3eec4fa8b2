/**
 * The pure half of `health`: thresholds, the worst-of rule and exit codes per format,
 * and the three renderers (table, application/health+json, Nagios with perfdata).
 */
import { describe, expect, it } from 'vitest';
import { levelOf, parseThreshold } from '../../src/config/threshold.js';
import {
  renderLine,
  renderNagios,
  renderTable,
  summaryOf,
  toHealthJson,
} from '../../src/health/render.js';
import {
  exitCodeOf,
  humanDuration,
  overallOf,
  worstOf,
  type CheckResult,
  type HealthReport,
} from '../../src/health/report.js';

const T = '2026-01-05T09:00:00.000Z';
const plain = {
  bold: (s: string) => s,
  dim: (s: string) => s,
  green: (s: string) => s,
  yellow: (s: string) => s,
  red: (s: string) => s,
};
const check = (
  component: string,
  measurement: string,
  status: CheckResult['status'],
  output: string,
  extra: Partial<CheckResult> = {},
): CheckResult => ({ component, measurement, status, time: T, output, ...extra });
const report = (checks: CheckResult[]): HealthReport => ({
  status: overallOf(checks),
  time: T,
  durationMs: 42,
  target: 'environment',
  checks,
});

describe('thresholds', () => {
  it('reads WARN[,CRIT] counts and durations, "off", and refuses the wrong order', () => {
    expect(parseThreshold('1,100', 'count', 'above', 'x')).toEqual({
      warn: 1,
      crit: 100,
      worse: 'above',
      text: '1,100',
    });
    expect(parseThreshold('15m,1h', 'duration', 'above', 'x')).toMatchObject({
      warn: 900_000,
      crit: 3_600_000,
      worse: 'above',
    });
    expect(parseThreshold('180d', 'duration', 'above', 'x')).toMatchObject({
      warn: 180 * 86_400_000,
      crit: undefined,
      worse: 'above',
    });
    expect(parseThreshold(',3d', 'duration', 'below', 'x')).toMatchObject({
      warn: undefined,
      crit: 3 * 86_400_000,
      worse: 'below',
    });
    expect(parseThreshold('OFF', 'count', 'above', 'x')).toEqual({
      warn: undefined,
      crit: undefined,
      worse: 'above',
      text: 'off',
    });
    expect(() => parseThreshold('100,1', 'count', 'above', '--dlq')).toThrow(
      /--dlq: the warning level must come before/,
    );
    expect(() => parseThreshold('3d,14d', 'duration', 'below', '--key-expiry')).toThrow(
      /warn ≥ crit/,
    );
    expect(() => parseThreshold('many', 'count', 'above', '--dlq')).toThrow(/not a whole number/);
    expect(() => parseThreshold('1,2,3', 'count', 'above', '--dlq')).toThrow(/WARN\[,CRIT\]/);
  });

  it('grows towards trouble (above) or shrinks towards it (below)', () => {
    const dlq = parseThreshold('1,100', 'count', 'above', 'x');
    expect([levelOf(0, dlq), levelOf(1, dlq), levelOf(99, dlq), levelOf(100, dlq)]).toEqual([
      'ok',
      'warn',
      'warn',
      'crit',
    ]);
    const expiry = parseThreshold('14d,3d', 'duration', 'below', 'x');
    const d = 86_400_000;
    expect([
      levelOf(20 * d, expiry),
      levelOf(14 * d, expiry),
      levelOf(4 * d, expiry),
      levelOf(3 * d, expiry),
    ]).toEqual(['ok', 'warn', 'warn', 'crit']);
  });
});

describe('statuses and exit codes', () => {
  it('ranks fail > unknown > warn > pass', () => {
    expect(worstOf([])).toBe('pass');
    expect(worstOf(['pass', 'warn'])).toBe('warn');
    expect(worstOf(['warn', 'unknown', 'pass'])).toBe('unknown');
    expect(worstOf(['unknown', 'fail', 'warn'])).toBe('fail');
  });

  it('maps to Nagios 0-3, and to the CLI codes (warnings exit 0, as in doctor)', () => {
    expect(
      ['pass', 'warn', 'fail', 'unknown'].map((s) => exitCodeOf(s as never, 'nagios')),
    ).toEqual([0, 1, 2, 3]);
    expect(['pass', 'warn', 'fail', 'unknown'].map((s) => exitCodeOf(s as never, 'cli'))).toEqual([
      0, 0, 1, 3,
    ]);
  });

  it('says durations as people read them', () => {
    expect([
      humanDuration(12.4),
      humanDuration(3_200),
      humanDuration(240_000),
      humanDuration(7_200_000),
      humanDuration(3 * 86_400_000),
    ]).toEqual(['12 ms', '3.2 s', '4 min', '2 h', '3 d']);
  });
});

describe('renderers', () => {
  const healthy = report([
    check('daemon', 'responseTime', 'pass', 'http://127.0.0.1:3030/health answers 200 in 3 ms', {
      observedValue: 3,
      observedUnit: 'ms',
      perf: { label: 'daemon', value: 3, uom: 'ms', min: 0 },
    }),
    check('webhooks', 'dlqDepth', 'pass', '0 event(s)', {
      observedValue: 0,
      observedUnit: 'events',
      perf: { label: 'dlq_depth', value: 0, uom: '', warn: 1, crit: 100, min: 0 },
    }),
    check('containers', 'health', 'pass', 'support-chatbot: healthy', {
      componentId: 'support-chatbot',
      observedValue: 'healthy',
    }),
    check('containers', 'health', 'pass', 'chatwoot-redis: healthy', {
      componentId: 'chatwoot-redis',
      observedValue: 'healthy',
    }),
  ]);
  const broken = report([
    check('daemon', 'responseTime', 'pass', 'answers 200 in 3 ms', {
      perf: { label: 'daemon', value: 3, uom: 'ms', min: 0 },
    }),
    check('support-chatbot', 'responseTime', 'fail', 'http://x/health connection refused | piped', {
      hint: 'start it',
    }),
    check(
      'chatwoot',
      'responseTime',
      'fail',
      'answers 200 in 4 ms, but data_services failing (its PostgreSQL)',
    ),
    check('webhooks', 'dlqDepth', 'warn', '3 event(s)', {
      perf: { label: 'dlq_depth', value: 3, uom: '', warn: 1, crit: 100, min: 0 },
    }),
    check('api-keys', 'expiring', 'unknown', 'not known'),
    check('redis', 'responseTime', 'warn', 'not checked: REDIS_URL is not set'),
  ]);

  it("nagios: OK, the summary, and perfdata in 'label'=value[UOM];warn;crit;min;max", () => {
    expect(renderNagios(healthy)).toBe(
      "KGC-SUPPORT OK - 4 checks pass (environment)|'daemon'=3ms;;;0 'dlq_depth'=0;1;100;0",
    );
  });

  it('nagios: CRITICAL first, at most three problems on the status line, a line per problem after it, no | in the text', () => {
    const lines = renderNagios(broken).split('\n');
    expect(lines[0]).toMatch(
      /^KGC-SUPPORT CRITICAL - 2 critical, 1 unknown, 2 warning: support-chatbot:responseTime \(http:\/\/x\/health connection refused \/ piped\); chatwoot:responseTime \(.*data_services failing.*\); api-keys:expiring \(not known\); \+2 more\|'daemon'=3ms;;;0 'dlq_depth'=3;1;100;0$/,
    );
    expect(lines.slice(1)).toEqual([
      '[CRITICAL] support-chatbot:responseTime: http://x/health connection refused / piped',
      '[CRITICAL] chatwoot:responseTime: answers 200 in 4 ms, but data_services failing (its PostgreSQL)',
      '[UNKNOWN] api-keys:expiring: not known',
      '[WARNING] webhooks:dlqDepth: 3 event(s)',
      '[WARNING] redis:responseTime: not checked: REDIS_URL is not set',
    ]);
    expect(lines[0]?.split('|')).toHaveLength(2);
  });

  it('health+json: RFC statuses, checks keyed component:measurement, instances in one array, unknown as a warn that says so', () => {
    const j = toHealthJson(healthy, '0.1.0');
    expect(j).toMatchObject({
      status: 'pass',
      version: '1',
      releaseId: '0.1.0',
      serviceId: 'kgc-support',
    });
    expect(j).not.toHaveProperty('output');
    expect(Object.keys(j.checks)).toEqual([
      'daemon:responseTime',
      'webhooks:dlqDepth',
      'containers:health',
    ]);
    expect(
      j.checks['containers:health']?.map((c) => [c.componentId, c.componentType, c.observedValue]),
    ).toEqual([
      ['support-chatbot', 'system', 'healthy'],
      ['chatwoot-redis', 'system', 'healthy'],
    ]);
    expect(j.checks['daemon:responseTime']?.[0]).toEqual({
      componentType: 'component',
      status: 'pass',
      observedValue: 3,
      observedUnit: 'ms',
      time: T,
      output: 'http://127.0.0.1:3030/health answers 200 in 3 ms',
    });
    const b = toHealthJson(broken, '0.1.0');
    expect(b.status).toBe('fail');
    expect(b.output).toContain('2 critical');
    expect(b.checks['api-keys:expiring']?.[0]).toMatchObject({
      status: 'warn',
      output: 'unknown: not known',
    });
    expect(b.checks['redis:responseTime']?.[0]?.componentType).toBe('datastore');
  });

  it('table: one row per check, its hint under a problem, no colour codes without colour', () => {
    const text = renderTable(broken, plain);
    expect(text.split('\n')[0]).toBe('kgc-support health (environment): FAIL, 6 checks in 42 ms');
    expect(text).toMatch(
      /✖ fail {2}support-chatbot:responseTime +http:\/\/x\/health connection refused/,
    );
    expect(text).toMatch(/\n +→ start it/);
    expect(text).toMatch(/\? unkn {2}api-keys:expiring/);
    expect(text).not.toContain('\u001b[');
    const coloured = renderTable(broken, { ...plain, red: (s) => `\u001b[31m${s}\u001b[39m` });
    expect(coloured).toContain('\u001b[31m✖ fail\u001b[39m');
    expect(renderTable(healthy, plain)).toMatch(
      /^✔ pass {2}containers:support-chatbot +support-chatbot: healthy$/m,
    );
  });

  it('a line per --watch round: time, word, summary', () => {
    expect(renderLine(healthy)).toBe(`${T} OK 4 checks pass (environment)`);
    expect(summaryOf(broken)).toMatch(/^2 critical, 1 unknown, 2 warning: /);
  });
});
