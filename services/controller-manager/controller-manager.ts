import { setMaxListeners } from 'node:events';
import { pino, type Logger } from 'pino';
import type { ApiClient } from '../../lib/client/client.js';
import { EventRecorder } from '../../lib/events/event-recorder.js';
import { ElectedComponent, type ComponentExit, type ElectionSettings } from '../../lib/leader-election/elected-component.js';
import { processRegistry } from '../../lib/metrics/index.js';
import { exposeClusterStateMetrics } from './cluster-state/cluster-state-metrics.js';
import { CONTROLLERS } from './controllers.js';
import { compileSettings, isControllerEnabled, type ControllerSettings } from './options.js';
import type { Controller, ControllerContext } from './common/controller.js';

export const DEFAULT_LEASE_NAME = 'kube-controller-manager';
export const DEFAULT_LEASE_NAMESPACE = 'kube-system';

type ControllerManagerLeaderElection = ElectionSettings;

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
export type ControllerManagerExit = ComponentExit;

// Every informer and every controller listens on the same stop signal.
const SIGNAL_LISTENERS = 200;

/**
 * kube-controller-manager's process: one shared informer factory (each kind watched once, caches
 * warm on standbys too), one event recorder per controller, and leader election so that only one
 * replica's controllers act.
 */
export class ControllerManager extends ElectedComponent {
  readonly controllers: readonly Controller[];
  readonly settings: ControllerSettings;
  readonly #options: ControllerManagerOptions;
  readonly #recorders = new Map<string, EventRecorder>();

  constructor(options: ControllerManagerOptions) {
    super({
      client: options.client,
      defaultLeaseName: DEFAULT_LEASE_NAME,
      component: 'controller-manager',
      ...(options.leaderElection !== undefined ? { leaderElection: options.leaderElection } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    this.#options = options;
    setMaxListeners(SIGNAL_LISTENERS, this.stopping);
    this.settings = compileSettings(options.settings);
    const ctx: ControllerContext = {
      client: options.client,
      informers: this.factory,
      log: options.log ?? pino({ level: 'silent' }),
      recorder: (component) => this.#recorder(component),
      now: options.now ?? Date.now,
    };
    const nodes = this.factory.informerFor('node');
    const pods = this.factory.informerFor('pod');
    exposeClusterStateMetrics(processRegistry, { nodes: () => nodes.store.list(), pods: () => pods.store.list() });
    this.controllers = CONTROLLERS.filter((c) => isControllerEnabled(c.name, this.settings.controllers) && (c.enabled?.(this.settings) ?? true)).map((c) => c.build(ctx, this.settings));
  }

  #recorder(component: string): EventRecorder {
    let r = this.#recorders.get(component);
    if (!r) {
      r = new EventRecorder({ client: this.#options.client, component, ...(this.#options.log ? { log: this.#options.log } : {}) });
      this.#recorders.set(component, r);
    }
    return r;
  }

  protected flushEvents(): Promise<unknown> {
    return Promise.all([...this.#recorders.values()].map((r) => r.flush()));
  }

  /** Runs every enabled controller until the signal aborts; in-flight syncs finish before the lease is released. */
  protected async lead(signal: AbortSignal): Promise<void> {
    setMaxListeners(SIGNAL_LISTENERS, signal);
    this.log.info({ identity: this.identity, controllers: this.controllers.map((c) => c.name) }, 'starting controllers');
    await Promise.all(
      this.controllers.map((c) =>
        c.run(signal).catch((err: unknown) => {
          this.log.error({ err, controller: c.name }, 'controller failed');
        }),
      ),
    );
  }
}
