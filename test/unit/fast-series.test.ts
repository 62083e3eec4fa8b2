import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from '../../src/metrics/fast-series.js';

describe('hot-path metrics', () => {
  it('expose cumulative buckets, sum and count in the Prometheus text format', async () => {
    const registry = new Registry();
    const h = new FastHistogram('t_seconds', 'test', registry, [0.001, 0.01]);
    const c = new FastCounter('t_total', 'test', registry);
    const a = h.handle({ route: '/a' });
    a.observe(0.0005);
    a.observe(0.005);
    a.observe(3);
    h.handle({ route: '/b' }).observe(0.002);
    c.handle({ route: '/a', status: '200' }).inc();
    c.handle({ route: '/a', status: '200' }).inc(2);
    const text = await registry.metrics();
    expect(text).toContain('t_seconds_bucket{route="/a",le="0.001"} 1');
    expect(text).toContain('t_seconds_bucket{route="/a",le="0.01"} 2');
    expect(text).toContain('t_seconds_bucket{route="/a",le="+Inf"} 3');
    expect(text).toContain('t_seconds_sum{route="/a"} 3.0055');
    expect(text).toContain('t_seconds_count{route="/a"} 3');
    expect(text).toContain('t_seconds_bucket{route="/b",le="0.001"} 0');
    expect(text).toContain('t_total{route="/a",status="200"} 3');
    expect(text).toContain('# TYPE t_seconds histogram');
  });
});
