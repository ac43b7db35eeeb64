import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterEach } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { decodeManifest } from '../../../lib/api/json.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { ControllerManager, type ControllerManagerOptions } from '../../../services/controller-manager/controller-manager.js';
import { runningStatus } from '../../../services/controller-manager/testing/running-status.js';
import { pollUntil } from '../../harness/poll.js';

// Shared by the controller-manager integration tests: the walkthrough manifests, controller managers
// that are stopped after each test, a stand-in for the kubelet (status patches) and waits on
// what a user would see through the API.

const walkthroughDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e', 'fixtures', 'walkthrough');

/** A walkthrough manifest (test/e2e/fixtures/walkthrough), decoded as the CLI would. */
export function walkthroughManifest<T extends AnyObject>(file: string): T {
  return decodeManifest(parse(readFileSync(join(walkthroughDir, file), 'utf8'))).object as T;
}

/** Polls until check returns a value (or true); bounded by timeoutMs. */
export function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  return pollUntil(check, { timeoutMs, intervalMs: 50, what });
}

/** Controller managers started by a test file; stop them all in afterEach (or use useManagers). */
export class Managers {
  readonly #running: ControllerManager[] = [];

  constructor(private readonly client: () => ApiClient) {}

  async start(options: Partial<ControllerManagerOptions> = {}): Promise<ControllerManager> {
    const manager = new ControllerManager({ client: this.client(), leaderElection: false, ...options });
    this.#running.push(manager);
    if (!(await manager.start())) throw new Error('controller-manager informers did not sync');
    return manager;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#running.splice(0).map((m) => m.stop()));
  }
}

/** Controller managers the tests of the calling file start, each stopped after its test. */
export function useManagers(client: () => ApiClient): Managers {
  const managers = new Managers(client);
  afterEach(() => managers.stopAll());
  return managers;
}

/** What a kubelet would report for a running pod: Running, an IP, and Ready (or not). */
export async function reportRunning(client: ApiClient, pod: t.Pod, ip: string, ready = true): Promise<t.Pod> {
  const meta = pod.metadata ?? {};
  return client.resource('pod').patch(meta.namespace ?? '', meta.name ?? '', { status: runningStatus(pod, ip, { ready }) }, { type: 'strategic', status: true });
}

/** Pods of a namespace matching a label selector, not being deleted. */
export async function livePods(client: ApiClient, namespace: string, labelSelector: string): Promise<t.Pod[]> {
  const { items } = await client.resource('pod').list(namespace, { labelSelector });
  return items.filter((p) => !p.metadata?.deletionTimestamp);
}

/** Waits until exactly `count` live pods match, and returns them. */
export function podsMatching(client: ApiClient, namespace: string, labelSelector: string, count: number, timeoutMs = 30_000): Promise<t.Pod[]> {
  return eventually(
    async () => {
      const pods = await livePods(client, namespace, labelSelector);
      return pods.length === count ? pods : undefined;
    },
    timeoutMs,
    `${count} pods matching ${labelSelector} in ${namespace}`,
  );
}

export async function eventMessages(client: ApiClient, namespace: string, name: string, reason: string): Promise<string[]> {
  const { items } = await client.resource('event').list(namespace);
  return items.filter((e) => e.involvedObject?.name === name && e.reason === reason).map((e) => e.message ?? '');
}

/** A namespace of its own per test, so tests do not see each other's objects. */
export async function createNamespace(client: ApiClient, name: string): Promise<string> {
  await client.resource('namespace').create({ metadata: { name } });
  return name;
}

/** The walkthrough's mysql Service and its ReplicationController (with `replicas`) in a namespace. */
export async function createWalkthroughMysql(client: ApiClient, namespace: string, replicas: number): Promise<void> {
  const svc = walkthroughManifest<t.Service>('mysql-svc.yaml');
  svc.metadata = { ...svc.metadata, namespace };
  await client.resource('service').create(svc);
  const rc = walkthroughManifest<t.ReplicationController>('mysql-rc.yaml');
  rc.metadata = { ...rc.metadata, namespace };
  rc.spec = { ...rc.spec, replicas };
  await client.resource('replicationController').create(rc);
}
