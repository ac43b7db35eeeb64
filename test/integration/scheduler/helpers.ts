import { afterEach } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { pollUntil, sleep } from '../../harness/poll.js';
import { useControlPlane, type ControlPlaneFixture } from '../../harness/use-control-plane.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { SchedulerServer, type SchedulerServerOptions } from '../../../services/scheduler/process/scheduler-server.js';

// Shared by the scheduler integration tests: fake Node objects (no kubelets), pod builders,
// scheduler servers that are stopped after each test, and waits on what a user would see.

interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: t.Taint[];
}

/** A Node as a kubelet would register it: Ready, with capacity and allocatable. */
export function fakeNode(name: string, o: NodeSpec = {}): t.Node {
  const resources = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: o.taints ? { taints: o.taints } : {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  };
}

interface PodSpecOptions {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  spec?: Partial<t.PodSpec>;
}

export function pendingPod(name: string, namespace: string, o: PodSpecOptions = {}): t.Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    metadata: { name, namespace, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'busybox:1.36', ...(Object.keys(requests).length ? { resources: { requests } } : {}) }],
      ...o.spec,
    },
  };
}

export { sleep };

/** Polls until check returns a value (or true); bounded by timeoutMs. */
export function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  return pollUntil(check, { timeoutMs, intervalMs: 50, what });
}

/** The node a pod is bound to, once it is. */
export function boundNode(client: ApiClient, namespace: string, name: string, timeoutMs = 30_000): Promise<string> {
  return eventually(async () => (await client.resource('pod').get(namespace, name)).spec?.nodeName || undefined, timeoutMs, `pod ${namespace}/${name} bound`);
}

async function eventsFor(client: ApiClient, namespace: string, podName: string, reason: string): Promise<t.Event[]> {
  const { items } = await client.resource('event').list(namespace);
  return items.filter((e) => e.involvedObject?.name === podName && e.reason === reason);
}

/** The message of the pod's latest event with this reason, once there is one. */
export function eventMessage(client: ApiClient, namespace: string, podName: string, reason: string, timeoutMs = 30_000): Promise<string> {
  return eventually(
    async () => {
      const events = await eventsFor(client, namespace, podName, reason);
      return events.at(-1)?.message;
    },
    timeoutMs,
    `${reason} event for ${namespace}/${podName}`,
  );
}

/** Scheduler servers started by a test file; stop them all in afterEach. */
class Schedulers {
  readonly #running: SchedulerServer[] = [];

  constructor(private readonly client: () => ApiClient) {}

  async start(options: Partial<SchedulerServerOptions> = {}): Promise<SchedulerServer> {
    const server = new SchedulerServer({ client: this.client(), leaderElection: false, ...options });
    this.#running.push(server);
    if (!(await server.start())) throw new Error('scheduler informers did not sync');
    return server;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#running.splice(0).map((s) => s.stop()));
  }
}

/** Removes every pod (grace 0, as a kubelet confirms) and node, so the next test starts empty. */
async function resetCluster(client: ApiClient): Promise<void> {
  const pods = client.resource('pod');
  for (const p of (await pods.listAll('')).items) {
    await pods.delete(p.metadata?.namespace ?? '', p.metadata?.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
  }
  const nodes = client.resource('node');
  for (const n of (await nodes.listAll('')).items) await nodes.delete('', n.metadata?.name ?? '').catch(() => undefined);
}

/**
 * The scheduler integration tests' cluster: a control plane for the file, schedulers the tests
 * start, and after each test every scheduler stopped and the cluster emptied again.
 */
export function useSchedulerCluster(): ControlPlaneFixture & { schedulers: Schedulers } {
  const fixture = useControlPlane();
  const schedulers = new Schedulers(() => fixture.client);
  afterEach(async () => {
    await schedulers.stopAll();
    await resetCluster(fixture.client);
  });
  return Object.assign(fixture, { schedulers });
}
