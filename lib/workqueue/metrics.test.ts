import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from '../../test/harness/prometheus-text.js';
import { processRegistry } from '../metrics/index.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';

const scrape = async () => parsePrometheusText(await processRegistry.metrics());

describe('workqueue metrics', () => {
  it('reports depth, adds, queue and work durations and retries per queue name', async () => {
    const queue = new RateLimitingQueue<string>({ name: 'replicaset', rateLimiter: new ItemExponentialFailureRateLimiter(1, 1) });
    queue.add('a');
    queue.add('a'); // folded into the waiting add
    queue.add('b');
    const name = { name: 'replicaset' };
    let families = await scrape();
    expect(sumOf(families, 'workqueue_depth', name)).toBe(2);
    expect(sumOf(families, 'workqueue_adds_total', name)).toBe(2);

    const item = await queue.get();
    queue.done(item.key!);
    queue.addRateLimited('a');
    families = await scrape();
    expect(sumOf(families, 'workqueue_depth', name)).toBe(1);
    expect(sumOf(families, 'workqueue_queue_duration_seconds_count', name)).toBe(1);
    expect(sumOf(families, 'workqueue_work_duration_seconds_count', name)).toBe(1);
    expect(sumOf(families, 'workqueue_retries_total', name)).toBe(1);

    queue.shutDown();
    expect(samplesNamed(await scrape(), 'replicaset')).toBe(0);
  });

  it('reports nothing for an unnamed queue', async () => {
    const before = (await processRegistry.metrics()).length;
    const queue = new RateLimitingQueue<string>();
    queue.add('x');
    expect(sumOf(await scrape(), 'workqueue_depth', { name: '' })).toBe(0);
    expect((await processRegistry.metrics()).length).toBe(before);
    queue.shutDown();
  });
});

function samplesNamed(families: Awaited<ReturnType<typeof scrape>>, name: string): number {
  return families.get('workqueue_depth')!.samples.filter((s) => s.labels.name === name).length;
}
