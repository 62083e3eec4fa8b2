/**
 * A counter and a histogram for the request hot path. prom-client hashes the labels
 * on every observation (a few microseconds, at thousands of requests a second); these
 * hand out a handle per label set once, and an observation is then plain arithmetic.
 * They register on a prom-client registry and expose the standard text format.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

abstract class FastMetric {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, Series>();
  abstract readonly type: 'counter' | 'histogram';

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  protected seriesFor(labels: Labels, buckets: number): Series {
    const key = Object.values(labels).join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, counts: new Array<number>(buckets).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  protected abstract values(): MetricValue[];

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values(),
    };
  }

  reset(): void {
    this.series.clear();
  }
}

export class FastCounter extends FastMetric {
  readonly type = 'counter';

  /** A handle for one label set: inc() is an addition. */
  handle(labels: Labels): { inc(n?: number): void } {
    const s = this.seriesFor(labels, 0);
    return {
      inc: (n = 1) => {
        s.count += n;
      },
    };
  }

  protected values(): MetricValue[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, value: s.count }));
  }
}

export class FastHistogram extends FastMetric {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly buckets: readonly number[],
  ) {
    super(name, help, registry);
  }

  /** A handle for one label set: observe() finds the bucket and adds. */
  handle(labels: Labels): { observe(v: number): void } {
    const s = this.seriesFor(labels, this.buckets.length);
    const bounds = this.buckets;
    return {
      observe: (v: number) => {
        for (let i = 0; i < bounds.length; i++) {
          if (v <= (bounds[i] as number)) {
            s.counts[i] = (s.counts[i] as number) + 1;
            break;
          }
        }
        s.sum += v;
        s.count++;
      },
    };
  }

  protected values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        out.push({
          labels: { ...s.labels, le },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      out.push({
        labels: { ...s.labels, le: '+Inf' },
        value: s.count,
        metricName: `${this.name}_bucket`,
      });
      out.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      out.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return out;
  }
}
