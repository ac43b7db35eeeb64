import { Counter, exponentialBuckets, Gauge, Histogram } from 'prom-client';
import { processRegistry, secondsSince } from '../../lib/metrics/index.js';

// kube-scheduler's metrics under its names: attempts by result, their duration, and the pods
// waiting in each part of the queue.

const registers = [processRegistry];

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

const attempts = new Counter({
  name: 'scheduler_schedule_attempts_total',
  help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
  labelNames: ['result', 'profile'],
  registers,
});

const attemptDuration = new Histogram({
  name: 'scheduler_scheduling_attempt_duration_seconds',
  help: 'Scheduling attempt latency in seconds: the scheduling cycle, from snapshot to assumed pod (binding follows in the background)',
  labelNames: ['result', 'profile'],
  // kube-scheduler's: 1 ms to about 16 s, doubling.
  buckets: exponentialBuckets(0.001, 2, 15),
  registers,
});

/** Counts one scheduling attempt of a pod and observes its duration since startNs. */
export function recordAttempt(result: AttemptResult, profile: string, startNs: bigint): void {
  attempts.inc({ result, profile });
  attemptDuration.observe({ result, profile }, secondsSince(startNs));
}

export interface PendingCounts {
  readonly activeCount: number;
  readonly backoffCount: number;
  readonly unschedulableCount: number;
}

const pendingSources = new Set<PendingCounts>();

new Gauge({
  name: 'scheduler_pending_pods',
  help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods.",
  labelNames: ['queue'],
  registers,
  // Read from the running schedulers' queues at scrape time: nothing to count per pod.
  collect() {
    this.reset();
    this.set({ queue: 'active' }, 0);
    this.set({ queue: 'backoff' }, 0);
    this.set({ queue: 'unschedulable' }, 0);
    for (const q of pendingSources) {
      this.inc({ queue: 'active' }, q.activeCount);
      this.inc({ queue: 'backoff' }, q.backoffCount);
      this.inc({ queue: 'unschedulable' }, q.unschedulableCount);
    }
  },
});

/** Reports a running scheduler's queue in scheduler_pending_pods; returns the function that stops it. */
export function reportPending(queue: PendingCounts): () => void {
  pendingSources.add(queue);
  return () => void pendingSources.delete(queue);
}
