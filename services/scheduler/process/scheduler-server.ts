import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { ApiClient } from '../../../lib/client/client.js';
import { EventRecorder } from '../../../lib/events/event-recorder.js';
import { ElectedComponent, type ElectionSettings } from '../../../lib/leader-election/elected-component.js';
import { keyFor } from '../../../lib/client/keys.js';
import type { VolumeLister } from '../framework/interfaces.js';
import { DEFAULT_SCHEDULER_NAME } from '../framework/pod-info.js';
import { Scheduler, type SchedulerCallbacks } from '../scheduler.js';
import { apiCallbacks } from './api-callbacks.js';

/** kube-scheduler's pod informer leaves out finished pods: they hold no resources on their node. */
const POD_FIELD_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed';
export const DEFAULT_LEASE_NAME = 'kube-scheduler';
export const DEFAULT_LEASE_NAMESPACE = 'kube-system';

type SchedulerLeaderElectionOptions = ElectionSettings;

export interface SchedulerServerOptions {
  client: ApiClient;
  /** Pods naming another scheduler are left alone. Default `default-scheduler`. */
  schedulerName?: string;
  /** 0 (default) adapts to the cluster size, as kube-scheduler does. */
  percentageOfNodesToScore?: number;
  /** Default: elect on the Lease kube-system/kube-scheduler. false: schedule at once, alone. */
  leaderElection?: SchedulerLeaderElectionOptions | false;
  /** Decorates the API writes; tests use it to interleave cluster changes with a cycle. */
  wrapCallbacks?: (callbacks: SchedulerCallbacks) => SchedulerCallbacks;
  log?: Logger;
}

const EVENT_WRITES_IN_FLIGHT = 16;
const SIGNAL_LISTENERS = 50;

// Room for an event per pod of a large backlog (each a few hundred bytes) before any is dropped.
const EVENT_QUEUE = 20_000;

/**
 * kube-scheduler's process around the core: one pod informer (pending pods feed the queue,
 * assigned ones the cache), node and namespace informers, an event recorder, and leader election.
 * Informers run on every replica so a standby has a warm cache; only the leader schedules.
 */
export class SchedulerServer extends ElectedComponent {
  readonly scheduler: Scheduler;
  readonly #recorder: EventRecorder;

  constructor(options: SchedulerServerOptions) {
    super({
      client: options.client,
      defaultLeaseName: DEFAULT_LEASE_NAME,
      component: 'scheduler-server',
      ...(options.leaderElection !== undefined ? { leaderElection: options.leaderElection } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const pods = this.factory.informerFor('pod', { fieldSelector: POD_FIELD_SELECTOR });
    const nodes = this.factory.informerFor('node');
    const namespaces = this.factory.informerFor('namespace');
    const schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    // An event per scheduled pod: written several at a time, as client-go's events broadcaster
    // does, or most would be dropped at hundreds of pods per second.
    this.#recorder = new EventRecorder({ client: options.client, component: schedulerName, maxInFlight: EVENT_WRITES_IN_FLIGHT, maxQueue: EVENT_QUEUE, ...(options.log ? { log: options.log } : {}) });
    // Every informer listens on the stop signal: pods, nodes, namespaces and the three storage kinds.
    setMaxListeners(SIGNAL_LISTENERS, this.stopping);
    const claims = this.factory.informerFor('persistentVolumeClaim');
    const persistentVolumes = this.factory.informerFor('persistentVolume');
    const storageClasses = this.factory.informerFor('storageClass');
    const volumes: VolumeLister = {
      claim: (namespace, name) => claims.store.get(keyFor(namespace, name)),
      volume: (name) => persistentVolumes.store.get(name),
      storageClass: (name) => storageClasses.store.get(name),
      volumes: () => persistentVolumes.store.list(),
    };
    const callbacks = apiCallbacks({ client: options.client, recorder: this.#recorder, nodeExists: (name) => nodes.store.get(name) !== undefined, volumes });
    this.scheduler = new Scheduler(options.wrapCallbacks ? options.wrapCallbacks(callbacks) : callbacks, {
      schedulerName,
      percentageOfNodesToScore: options.percentageOfNodesToScore ?? 0,
      namespaceLabels: (ns) => namespaces.store.get(ns)?.metadata?.labels,
      volumes,
      ...(options.log ? { log: options.log } : {}),
    });
    nodes.addEventHandler(this.scheduler.nodeHandlers());
    pods.addEventHandler(this.scheduler.podHandlers());
    claims.addEventHandler(this.scheduler.storageHandlers('PersistentVolumeClaim'));
    persistentVolumes.addEventHandler(this.scheduler.storageHandlers('PersistentVolume'));
    storageClasses.addEventHandler(this.scheduler.storageHandlers('StorageClass'));
  }

  protected flushEvents(): Promise<unknown> {
    return this.#recorder.flush();
  }

  /** Schedules until the signal aborts, then lets in-flight bindings finish before the lease is released. */
  protected async lead(signal: AbortSignal): Promise<void> {
    this.log.info({ identity: this.identity }, 'scheduling');
    await this.scheduler.run(signal);
    await this.scheduler.settle();
  }
}
