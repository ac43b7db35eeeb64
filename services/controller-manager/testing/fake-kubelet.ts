import type { Pod } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { isApiError } from '../../../lib/api/errors.js';
import { Informer } from '../../../lib/informer/informer.js';
import { runningStatus } from './running-status.js';

interface FakeKubeletOptions {
  /** How long after a pod appears it reports Running and Ready. Default 50 ms. */
  readyDelayMs?: number;
  /** Only pods this returns true for are started (default: all). */
  accepts?: (pod: Pod) => boolean;
}

/**
 * A stand-in for kubelets in controller tests: every new pod reports Running, an IP and Ready
 * after a delay, the way a kubelet's status update would. Pods are never bound to a node, so the
 * apiserver deletes them at once.
 */
export class FakeKubelet {
  private readonly informer: Informer<Pod>;
  private readonly started = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Status writes under way: stop() waits for them, so none is left to fail on a server shut down after it. */
  private readonly writes = new Set<Promise<void>>();
  private nextIp = 2;
  /** Pods are only made ready while this is true. */
  enabled = true;

  constructor(
    private readonly client: ApiClient,
    private readonly options: FakeKubeletOptions = {},
  ) {
    this.informer = new Informer(client.resource('pod'));
    this.informer.addEventHandler({ onAdd: (p) => this.consider(p), onUpdate: (_o, p) => this.consider(p) });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.writes);
    await this.informer.stop();
  }

  /** Marks every pod seen so far but not yet started as ready now (after `enabled` was false). */
  resume(): void {
    this.enabled = true;
    for (const p of this.informer.store.list()) this.consider(p);
  }

  private consider(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (!this.enabled || this.started.has(uid) || pod.metadata?.deletionTimestamp) return;
    if (this.options.accepts && !this.options.accepts(pod)) return;
    this.started.add(uid);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const write = this.report(pod).finally(() => this.writes.delete(write));
      this.writes.add(write);
    }, this.options.readyDelayMs ?? 50);
    this.timers.add(timer);
  }

  private async report(pod: Pod): Promise<void> {
    const n = this.nextIp++;
    const ip = `10.244.${Math.floor(n / 250)}.${n % 250}`;
    const status = runningStatus(pod, ip);
    try {
      await this.client.resource('pod').patch(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { metadata: { uid: pod.metadata?.uid }, status }, { type: 'strategic', status: true });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}
