import { describe, expect, it } from 'vitest';
import { processRegistry } from '../../lib/metrics/index.js';
import { parsePrometheusText, sumOf } from '../../test/harness/prometheus-text.js';
import { Scheduler } from './scheduler.js';
import { FakeApi } from './testing/fake-api.js';
import { makeNode, makePod } from './testing/builders.js';

const scrape = async () => parsePrometheusText(await processRegistry.metrics());

describe('scheduler metrics', () => {
  it('counts attempts by result, times them, and reports pending pods while running', async () => {
    const api = new FakeApi();
    const s = new Scheduler(api, { schedulerName: 'metrics-test' });
    api.attach(s);
    api.createNode(makeNode('n').capacity({ cpu: '1', memory: '1Gi' }).obj());
    api.createPod(makePod('fits').schedulerName('metrics-test').req({ cpu: '500m' }).obj());
    api.createPod(makePod('too-big').schedulerName('metrics-test').req({ cpu: '4' }).obj());
    await api.runUntilIdle();

    const profile = { profile: 'metrics-test' };
    let families = await scrape();
    expect(sumOf(families, 'scheduler_schedule_attempts_total', { ...profile, result: 'scheduled' })).toBe(1);
    expect(sumOf(families, 'scheduler_schedule_attempts_total', { ...profile, result: 'unschedulable' })).toBe(1);
    expect(sumOf(families, 'scheduler_scheduling_attempt_duration_seconds_count', profile)).toBe(2);
    expect(sumOf(families, 'scheduler_pending_pods', { queue: 'unschedulable' })).toBe(0);

    const ac = new AbortController();
    const running = s.run(ac.signal);
    families = await scrape();
    expect(sumOf(families, 'scheduler_pending_pods', { queue: 'unschedulable' })).toBe(1);
    expect(families.get('scheduler_pending_pods')!.samples.map((x) => x.labels.queue).sort()).toEqual(['active', 'backoff', 'unschedulable']);
    ac.abort();
    await running;
  });
});
