import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import type { ApiClient } from '../../../lib/client/client.js';
import { EventRecorder } from '../../../lib/events/event-recorder.js';
import { SharedInformerFactory } from '../../../lib/informer/shared-informer-factory.js';
import { runLeaderElection } from '../../../lib/leader-election/leader-election.js';
import { DEFAULT_SCHEDULER_NAME } from '../framework/pod-info.js';
import { Scheduler, type SchedulerCallbacks } from '../scheduler.js';
import { apiCallbacks } from './api-callbacks.js';

/** kube-scheduler's pod informer leaves out finished pods: they hold no resources on their node. */
export const POD_FIELD_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed';
export const DEFAULT_LEASE_NAME = 'kube-scheduler';
export const DEFAULT_LEASE_NAMESPACE = 'kube-system';

export interface SchedulerLeaderElectionOptions {
  /** Default `kube-scheduler`. */
  leaseName?: string;
  /** Default `kube-system`. */
  leaseNamespace?: string;
  /** Default `<hostname>_<uuid>`. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

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

/** Why the server ended: stop() was called, or the lease was lost (kube-scheduler exits then). */
export type SchedulerExit = 'stopped' | 'lost';

// Events still queued at shutdown get this long to be written.
const EVENT_FLUSH_TIMEOUT_MS = 5_000;
const EVENT_WRITES_IN_FLIGHT = 16;
// Room for an event per pod of a large backlog (each a few hundred bytes) before any is dropped.
const EVENT_QUEUE = 20_000;

/**
 * kube-scheduler's process around the core: one pod informer (pending pods feed the queue,
 * assigned ones the cache), node and namespace informers, an event recorder, and leader election.
 * Informers run on every replica so a standby has a warm cache; only the leader schedules.
 */
export class SchedulerServer {
  readonly scheduler: Scheduler;
  readonly identity: string;
  readonly #options: SchedulerServerOptions;
  readonly #log: Logger;
  readonly #factory: SharedInformerFactory;
  readonly #recorder: EventRecorder;
  readonly #stopping = new AbortController();
  #leading = false;
  #done: Promise<SchedulerExit> | undefined;

  constructor(options: SchedulerServerOptions) {
    this.#options = options;
    this.#log = (options.log ?? pino({ level: 'silent' })).child({ component: 'scheduler-server' });
    const election = options.leaderElection;
    this.identity = (election && election.identity) || `${hostname()}_${randomUUID()}`;
    this.#factory = new SharedInformerFactory(options.client, options.log ? { log: options.log } : {});
    const pods = this.#factory.informerFor('pod', { fieldSelector: POD_FIELD_SELECTOR });
    const nodes = this.#factory.informerFor('node');
    const namespaces = this.#factory.informerFor('namespace');
    const schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    // An event per scheduled pod: written several at a time, as client-go's events broadcaster
    // does, or most would be dropped at hundreds of pods per second.
    this.#recorder = new EventRecorder({ client: options.client, component: schedulerName, maxInFlight: EVENT_WRITES_IN_FLIGHT, maxQueue: EVENT_QUEUE, ...(options.log ? { log: options.log } : {}) });
    const callbacks = apiCallbacks({ client: options.client, recorder: this.#recorder, nodeExists: (name) => nodes.store.get(name) !== undefined });
    this.scheduler = new Scheduler(options.wrapCallbacks ? options.wrapCallbacks(callbacks) : callbacks, {
      schedulerName,
      percentageOfNodesToScore: options.percentageOfNodesToScore ?? 0,
      namespaceLabels: (ns) => namespaces.store.get(ns)?.metadata?.labels,
      ...(options.log ? { log: options.log } : {}),
    });
    nodes.addEventHandler(this.scheduler.nodeHandlers());
    pods.addEventHandler(this.scheduler.podHandlers());
  }

  /** True while this replica holds the lease (or runs without election) and schedules. */
  get leading(): boolean {
    return this.#leading;
  }

  /** Resolves when the server has ended; start() first. */
  get done(): Promise<SchedulerExit> {
    if (!this.#done) throw new Error('SchedulerServer: start() first');
    return this.#done;
  }

  /**
   * Starts the informers and waits for their first lists (false if stopped first); scheduling
   * then begins in the background, once this replica leads.
   */
  async start(): Promise<boolean> {
    if (this.#done) throw new Error('SchedulerServer: already started');
    const signal = this.#stopping.signal;
    this.#factory.start(signal);
    this.#done = this.#waitAndRun(signal);
    return this.#factory.waitForSync(signal);
  }

  /** Stops scheduling (releasing the lease), the informers, and writes the events still queued. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#done;
  }

  async #waitAndRun(signal: AbortSignal): Promise<SchedulerExit> {
    let exit: SchedulerExit = 'stopped';
    try {
      if (await this.#factory.waitForSync(signal)) exit = await this.#run(signal);
    } finally {
      this.#stopping.abort();
      await this.#factory.stop();
      await Promise.race([this.#recorder.flush(), new Promise((r) => setTimeout(r, EVENT_FLUSH_TIMEOUT_MS).unref())]);
    }
    return exit;
  }

  async #run(signal: AbortSignal): Promise<SchedulerExit> {
    const election = this.#options.leaderElection;
    if (election === false) {
      await this.#lead(signal);
      return 'stopped';
    }
    return runLeaderElection({
      client: this.#options.client,
      namespace: election?.leaseNamespace ?? DEFAULT_LEASE_NAMESPACE,
      name: election?.leaseName ?? DEFAULT_LEASE_NAME,
      identity: this.identity,
      ...(election?.leaseDurationMs !== undefined ? { leaseDurationMs: election.leaseDurationMs } : {}),
      ...(election?.renewDeadlineMs !== undefined ? { renewDeadlineMs: election.renewDeadlineMs } : {}),
      ...(election?.retryPeriodMs !== undefined ? { retryPeriodMs: election.retryPeriodMs } : {}),
      onStartedLeading: (leading) => this.#lead(leading),
      onStoppedLeading: () => this.#log.info({ identity: this.identity }, 'stopped leading'),
      signal,
      ...(this.#options.log ? { log: this.#options.log } : {}),
    });
  }

  /** Schedules until the signal aborts, then lets in-flight bindings finish before the lease is released. */
  async #lead(signal: AbortSignal): Promise<void> {
    this.#leading = true;
    this.#log.info({ identity: this.identity }, 'scheduling');
    try {
      await this.scheduler.run(signal);
      await this.scheduler.settle();
    } finally {
      this.#leading = false;
    }
  }
}
