import { Counter, exponentialBuckets, Gauge, Histogram } from 'prom-client';
import { processRegistry } from '../metrics/index.js';

// client-go's workqueue metrics, under its names, for every named queue in this process: the
// controller manager's controllers each name theirs after the controller.

const registers = [processRegistry];
/** client-go's buckets: 10 ns to 10 s, by factors of ten. */
const BUCKETS = exponentialBuckets(1e-8, 10, 10);

interface DepthSource {
  name: string;
  len(): number;
}

const depthSources = new Set<DepthSource>();

new Gauge({
  name: 'workqueue_depth',
  help: 'Current depth of workqueue',
  labelNames: ['name'],
  registers,
  // Read at scrape time, so adding and taking keys costs nothing here.
  collect() {
    this.reset();
    for (const source of depthSources) this.inc({ name: source.name }, source.len());
  },
});

const adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
const queueDuration = new Histogram({
  name: 'workqueue_queue_duration_seconds',
  help: 'How long in seconds an item stays in workqueue before being requested.',
  labelNames: ['name'],
  buckets: BUCKETS,
  registers,
});
const workDuration = new Histogram({
  name: 'workqueue_work_duration_seconds',
  help: 'How long in seconds processing an item from workqueue takes.',
  labelNames: ['name'],
  buckets: BUCKETS,
  registers,
});
const retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });

/** What a named queue reports; the queue calls these at each step of a key. */
export interface QueueMetrics<K extends string> {
  /** The key became dirty (a new add, not one folded into a waiting add). */
  added(key: K): void;
  /** A worker took the key. */
  started(key: K): void;
  /** The worker is done with the key. */
  finished(key: K): void;
  /** A failed key was put back with backoff. */
  retried(): void;
  /** The queue shut down: its depth is no longer reported. */
  close(): void;
}

/** The metrics of the queue called `name`, whose depth len() reads. */
export function queueMetrics<K extends string>(name: string, len: () => number): QueueMetrics<K> {
  const labels = { name };
  const addsOf = adds.labels(labels);
  const queuedOf = queueDuration.labels(labels);
  const workOf = workDuration.labels(labels);
  const retriesOf = retries.labels(labels);
  const addedAt = new Map<K, number>();
  const startedAt = new Map<K, number>();
  const source: DepthSource = { name, len };
  depthSources.add(source);
  return {
    added(key) {
      addsOf.inc();
      if (!addedAt.has(key)) addedAt.set(key, performance.now());
    },
    started(key) {
      const now = performance.now();
      const at = addedAt.get(key);
      if (at !== undefined) {
        queuedOf.observe((now - at) / 1000);
        addedAt.delete(key);
      }
      startedAt.set(key, now);
    },
    finished(key) {
      const at = startedAt.get(key);
      if (at === undefined) return;
      workOf.observe((performance.now() - at) / 1000);
      startedAt.delete(key);
    },
    retried() {
      retriesOf.inc();
    },
    close() {
      depthSources.delete(source);
    },
  };
}
