import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import type { ApiClient } from '../client/client.js';
import { SharedInformerFactory } from '../informer/shared-informer-factory.js';
import { runLeaderElection } from './leader-election.js';

export interface ElectionSettings {
  leaseName?: string;
  /** Default `kube-system`. */
  leaseNamespace?: string;
  /** Default `<hostname>_<uuid>`. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

/** Why a component ended: stop() was called, or the lease was lost (the process exits then, as Kubernetes' do). */
export type ComponentExit = 'stopped' | 'lost';

interface ElectedComponentOptions {
  client: ApiClient;
  /** Default: elect on the Lease `<leaseNamespace>/<defaultLeaseName>`. false: work at once, alone. */
  leaderElection?: ElectionSettings | false;
  defaultLeaseName: string;
  /** Names the component in its logs. */
  component: string;
  log?: Logger;
}

// Events still queued at shutdown get this long to be written.
const EVENT_FLUSH_TIMEOUT_MS = 5_000;

/**
 * The life of a replicated control-plane component (kube-scheduler, kube-controller-manager):
 * informers run on every replica so a standby has warm caches, and the work runs only while this
 * replica holds the Lease. start() returns once the caches synced; stop() ends the work (in-flight
 * work finishes before the lease is released), the informers, and writes queued events.
 */
export abstract class ElectedComponent {
  readonly identity: string;
  protected readonly factory: SharedInformerFactory;
  protected readonly log: Logger;
  readonly #options: ElectedComponentOptions;
  readonly #stopping = new AbortController();
  #leading = false;
  #done: Promise<ComponentExit> | undefined;

  constructor(options: ElectedComponentOptions) {
    this.#options = options;
    this.log = (options.log ?? pino({ level: 'silent' })).child({ component: options.component });
    const election = options.leaderElection;
    this.identity = (election && election.identity) || `${hostname()}_${randomUUID()}`;
    this.factory = new SharedInformerFactory(options.client, options.log ? { log: options.log } : {});
  }

  /** The work of the leader; it runs until the signal aborts and settles before returning. */
  protected abstract lead(signal: AbortSignal): Promise<void>;

  /** Writes the events still queued. */
  protected abstract flushEvents(): Promise<unknown>;

  /** The signal that aborts when the component stops. */
  protected get stopping(): AbortSignal {
    return this.#stopping.signal;
  }

  /** True while this replica holds the lease (or runs without election) and works. */
  get leading(): boolean {
    return this.#leading;
  }

  /** Resolves when the component has ended; start() first. */
  get done(): Promise<ComponentExit> {
    if (!this.#done) throw new Error(`${this.#options.component}: start() first`);
    return this.#done;
  }

  /** Starts the informers and waits for their first lists (false if stopped first); the work begins once this replica leads. */
  async start(): Promise<boolean> {
    if (this.#done) throw new Error(`${this.#options.component}: already started`);
    const signal = this.#stopping.signal;
    this.factory.start(signal);
    this.#done = this.#waitAndRun(signal);
    return this.factory.waitForSync(signal);
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#done;
  }

  async #waitAndRun(signal: AbortSignal): Promise<ComponentExit> {
    let exit: ComponentExit = 'stopped';
    try {
      if (await this.factory.waitForSync(signal)) exit = await this.#run(signal);
    } finally {
      this.#stopping.abort();
      await this.factory.stop();
      await Promise.race([this.flushEvents(), new Promise((r) => setTimeout(r, EVENT_FLUSH_TIMEOUT_MS).unref())]);
    }
    return exit;
  }

  async #run(signal: AbortSignal): Promise<ComponentExit> {
    const election = this.#options.leaderElection;
    if (election === false) {
      await this.#leadFlagged(signal);
      return 'stopped';
    }
    return runLeaderElection({
      client: this.#options.client,
      namespace: election?.leaseNamespace ?? 'kube-system',
      name: election?.leaseName ?? this.#options.defaultLeaseName,
      identity: this.identity,
      ...(election?.leaseDurationMs !== undefined ? { leaseDurationMs: election.leaseDurationMs } : {}),
      ...(election?.renewDeadlineMs !== undefined ? { renewDeadlineMs: election.renewDeadlineMs } : {}),
      ...(election?.retryPeriodMs !== undefined ? { retryPeriodMs: election.retryPeriodMs } : {}),
      onStartedLeading: (leading) => this.#leadFlagged(leading),
      onStoppedLeading: () => this.log.info({ identity: this.identity }, 'stopped leading'),
      onNewLeader: (leader) => this.log.info({ leader }, 'leader observed'),
      signal,
      ...(this.#options.log ? { log: this.#options.log } : {}),
    });
  }

  async #leadFlagged(signal: AbortSignal): Promise<void> {
    this.#leading = true;
    try {
      await this.lead(signal);
    } finally {
      this.#leading = false;
    }
  }
}
