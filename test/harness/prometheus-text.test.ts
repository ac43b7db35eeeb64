import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ExpositionError, parsePrometheusText, sumOf } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it("reads prom-client's own output: counters, gauges and histograms with escaped label values", async () => {
    const registry = new Registry();
    new Counter({ name: 'things_total', help: 'Things.', labelNames: ['kind'], registers: [registry] }).inc({ kind: 'a "quoted"\\ \nvalue' }, 3);
    new Gauge({ name: 'depth', help: 'Depth.', registers: [registry] }).set(-1.5);
    new Histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 1], registers: [registry] }).observe(0.5);
    const families = parsePrometheusText(await registry.metrics());
    expect(families.get('things_total')).toMatchObject({ type: 'counter', help: 'Things.', samples: [{ labels: { kind: 'a "quoted"\\ \nvalue' }, value: 3 }] });
    expect(sumOf(families, 'depth')).toBe(-1.5);
    expect(sumOf(families, 'latency_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(sumOf(families, 'latency_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sumOf(families, 'latency_seconds_count')).toBe(1);
  });

  it.each([
    ['a value that is no number', '# TYPE x gauge\nx abc\n'],
    ['no value', '# TYPE x gauge\nx\n'],
    ['an invalid metric name', '# TYPE 1x gauge\n'],
    ['an unquoted label value', '# TYPE x gauge\nx{a=b} 1\n'],
    ['an unterminated label value', '# TYPE x gauge\nx{a="b} 1\n'],
    ['a bad escape', '# TYPE x gauge\nx{a="\\t"} 1\n'],
    ['a repeated label', '# TYPE x gauge\nx{a="1",a="2"} 1\n'],
    ['an unknown type', '# TYPE x meter\n'],
    ['a sample outside its TYPE block', '# TYPE x gauge\ny 1\n'],
    ['a family split in two', '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# HELP x again\n'],
    ['a bucket without le', '# TYPE h histogram\nh_bucket 1\n'],
    ['a bad timestamp', '# TYPE x gauge\nx 1 soon\n'],
    ['extra fields', '# TYPE x gauge\nx 1 2 3\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow(ExpositionError);
  });
});
