import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import type { ApiClient } from '../../lib/client/client.js';
import { EventRecorder } from '../../lib/events/event-recorder.js';
import { SharedInformerFactory } from '../../lib/informer/shared-informer-factory.js';
import { runLeaderElection } from '../../lib/leader-election/leader-election.js';
import { CONTROLLERS } from './controllers.js';
import { compileSettings, isControllerEnabled, type ControllerSettings } from './options.js';
import type { Controller, ControllerContext } from './shared/controller.js';

export const DEFAULT_LEASE_NAME = 'kube-controller-manager';
export const DEFAULT_LEASE_NAMESPACE = 'kube-system';

export interface ControllerManagerLeaderElection {
  leaseName?: string;
  leaseNamespace?: string;
  /** Default `<hostname>_<uuid>`. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerManagerOptions {
  client: ApiClient;
  settings?: Partial<ControllerSettings>;
  /** Default: elect on the Lease kube-system/kube-controller-manager. false: run at once, alone. */
  leaderElection?: ControllerManagerLeaderElection | false;
  log?: Logger;
  /** The clock controllers read; tests move it. */
  now?: () => number;
}

/** Why the manager ended: stop() was called, or the lease was lost (the process exits then, as kube-controller-manager does). */
export type ControllerManagerExit = 'stopped' | 'lost';

// Events still queued at shutdown get this long to be written.
// Every informer and every controller listens on the same stop signal.
const SIGNAL_LISTENERS = 200;
const EVENT_FLUSH_TIMEOUT_MS = 5_000;

/**
 * kube-controller-manager's process: one shared informer factory (each kind watched once, caches
 * warm on standbys too), one event recorder per controller, and leader election so that only one
 * replica's controllers act.
 */
export class ControllerManager {
  readonly identity: string;
  readonly controllers: readonly Controller[];
  readonly settings: ControllerSettings;
  readonly #options: ControllerManagerOptions;
  readonly #log: Logger;
  readonly #factory: SharedInformerFactory;
  readonly #recorders = new Map<string, EventRecorder>();
  readonly #stopping = new AbortController();
  #leading = false;
  #done: Promise<ControllerManagerExit> | undefined;

  constructor(options: ControllerManagerOptions) {
    this.#options = options;
    setMaxListeners(SIGNAL_LISTENERS, this.#stopping.signal);
    this.settings = compileSettings(options.settings);
    const log = options.log ?? pino({ level: 'silent' });
    this.#log = log.child({ component: 'controller-manager' });
    const election = options.leaderElection;
    this.identity = (election && election.identity) || `${hostname()}_${randomUUID()}`;
    this.#factory = new SharedInformerFactory(options.client, { log });
    const ctx: ControllerContext = {
      client: options.client,
      informers: this.#factory,
      log,
      recorder: (component) => this.#recorder(component),
      now: options.now ?? Date.now,
    };
    this.controllers = CONTROLLERS.filter((c) => isControllerEnabled(c.name, this.settings.controllers)).map((c) => c.build(ctx, this.settings));
  }

  /** True while this replica holds the lease (or runs without election) and its controllers act. */
  get leading(): boolean {
    return this.#leading;
  }

  get done(): Promise<ControllerManagerExit> {
    if (!this.#done) throw new Error('ControllerManager: start() first');
    return this.#done;
  }

  /** Starts the informers and waits for their first lists (false if stopped first); controllers start once this replica leads. */
  async start(): Promise<boolean> {
    if (this.#done) throw new Error('ControllerManager: already started');
    const signal = this.#stopping.signal;
    this.#factory.start(signal);
    this.#done = this.#waitAndRun(signal);
    return this.#factory.waitForSync(signal);
  }

  /** Stops the controllers (releasing the lease), the informers, and writes the events still queued. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#done;
  }

  #recorder(component: string): EventRecorder {
    let r = this.#recorders.get(component);
    if (!r) {
      r = new EventRecorder({ client: this.#options.client, component, ...(this.#options.log ? { log: this.#options.log } : {}) });
      this.#recorders.set(component, r);
    }
    return r;
  }

  async #waitAndRun(signal: AbortSignal): Promise<ControllerManagerExit> {
    let exit: ControllerManagerExit = 'stopped';
    try {
      if (await this.#factory.waitForSync(signal)) exit = await this.#run(signal);
    } finally {
      this.#stopping.abort();
      await this.#factory.stop();
      const flushed = Promise.all([...this.#recorders.values()].map((r) => r.flush()));
      await Promise.race([flushed, new Promise((r) => setTimeout(r, EVENT_FLUSH_TIMEOUT_MS).unref())]);
    }
    return exit;
  }

  async #run(signal: AbortSignal): Promise<ControllerManagerExit> {
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
      onNewLeader: (leader) => this.#log.info({ leader }, 'leader observed'),
      signal,
      ...(this.#options.log ? { log: this.#options.log } : {}),
    });
  }

  /** Runs every enabled controller until the signal aborts; in-flight syncs finish before the lease is released. */
  async #lead(signal: AbortSignal): Promise<void> {
    setMaxListeners(SIGNAL_LISTENERS, signal);
    this.#leading = true;
    this.#log.info({ identity: this.identity, controllers: this.controllers.map((c) => c.name) }, 'starting controllers');
    try {
      await Promise.all(
        this.controllers.map((c) =>
          c.run(signal).catch((err: unknown) => {
            this.#log.error({ err, controller: c.name }, 'controller failed');
          }),
        ),
      );
    } finally {
      this.#leading = false;
    }
  }
}
