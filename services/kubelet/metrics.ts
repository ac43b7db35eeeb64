import { Counter, exponentialBuckets, Gauge, Histogram } from 'prom-client';
import { processRegistry } from '../../lib/metrics/index.js';
import type { RuntimePod } from './runtime/types.js';

// The kubelet's metrics under Kubernetes' names. Labels are operation types and container
// states only: never a pod's name.

const registers = [processRegistry];

const podStartDuration = new Histogram({
  name: 'kubelet_pod_start_duration_seconds',
  help: 'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
  buckets: [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600],
  registers,
});

export const runtimeOperations = new Counter({
  name: 'kubelet_runtime_operations_total',
  help: 'Cumulative number of runtime operations by operation type.',
  labelNames: ['operation_type'],
  registers,
});

export const runtimeOperationErrors = new Counter({
  name: 'kubelet_runtime_operations_errors_total',
  help: 'Cumulative number of runtime operation errors by operation type.',
  labelNames: ['operation_type'],
  registers,
});

export const runtimeOperationDuration = new Histogram({
  name: 'kubelet_runtime_operations_duration_seconds',
  help: 'Duration in seconds of runtime operations. Broken down by operation type.',
  labelNames: ['operation_type'],
  // Kubernetes': 5 ms to about 5 minutes.
  buckets: exponentialBuckets(0.005, 2.5, 14),
  registers,
});

const runningPods = new Gauge({ name: 'kubelet_running_pods', help: 'Number of pods that have a running pod sandbox', registers });

const CONTAINER_STATES = ['created', 'running', 'exited', 'unknown'] as const;

const runningContainers = new Gauge({
  name: 'kubelet_running_containers',
  help: 'Number of containers currently running',
  labelNames: ['container_state'],
  registers,
});

/** Observes how long a pod took from the kubelet first seeing it to running. */
export function observePodStart(seconds: number): void {
  podStartDuration.observe(seconds);
}

/** Sets the running pods and containers from a listing of the runtime (the kubelet relists every second). */
export function recordListing(pods: readonly RuntimePod[]): void {
  const counts = new Map<string, number>(CONTAINER_STATES.map((s) => [s, 0]));
  let running = 0;
  for (const pod of pods) {
    if (pod.containers.some((c) => c.sandbox && c.state === 'running')) running++;
    for (const c of pod.containers) if (!c.sandbox) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  }
  runningPods.set(running);
  for (const [state, n] of counts) runningContainers.set({ container_state: state }, n);
}
