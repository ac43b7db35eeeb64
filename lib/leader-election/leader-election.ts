import { pino, type Logger } from 'pino';
import { isApiError } from '../api/errors.js';
import type { Lease, LeaseSpec } from '../api/generated/index.js';
import { formatMicroTime } from '../client/api-time.js';
import type { ApiClient } from '../client/client.js';
import type { ResourceClient } from '../client/resource-client.js';
import { sleep } from '../informer/backoff.js';

export interface LeaderElectionConfig {
  client: ApiClient;
  /** Default kube-system. */
  namespace?: string;
  /** The Lease's name, e.g. `kube-controller-manager`. */
  name: string;
  /** Unique per candidate process (e.g. `hostname_uuid`). */
  identity: string;
  /** How long a lease holds without renewal before others may take it over. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leadership. Default 10 s. */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  /**
   * Called once leadership is acquired. The signal aborts when leadership ends; the work must stop
   * then. On a clean stop, the lease is released only after a returned promise settles (or after
   * leaseDurationMs), so two leaders never work at once.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called after leading ends, whether by a stop or a lost lease. Not called if we never led. */
  onStoppedLeading(): void;
  /** Called whenever a different holder (including ourselves) is observed. */
  onNewLeader?(identity: string): void;
  /** Stops the election; a leader then releases the lease so another candidate takes over at once. */
  signal: AbortSignal;
  /** Default true. */
  releaseOnCancel?: boolean;
  log?: Logger;
}

/** Why runLeaderElection returned: its signal aborted, or the lease could not be renewed in time. */
export type LeaderElectionOutcome = 'stopped' | 'lost';

export class LeaderElectionConfigError extends Error {
  override readonly name = 'LeaderElectionConfigError';
}

// client-go's wait.Jitter factor for the acquire loop.
const JITTER_FACTOR = 1.2;

interface Settings {
  namespace: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  releaseOnCancel: boolean;
}

function compileSettings(config: LeaderElectionConfig): Settings {
  const settings: Settings = {
    namespace: config.namespace ?? 'kube-system',
    leaseDurationMs: config.leaseDurationMs ?? 15_000,
    renewDeadlineMs: config.renewDeadlineMs ?? 10_000,
    retryPeriodMs: config.retryPeriodMs ?? 2_000,
    releaseOnCancel: config.releaseOnCancel ?? true,
  };
  if (!config.identity) throw new LeaderElectionConfigError('identity must not be empty');
  if (!config.name) throw new LeaderElectionConfigError('lease name must not be empty');
  if (settings.leaseDurationMs <= settings.renewDeadlineMs) {
    throw new LeaderElectionConfigError('leaseDurationMs must be greater than renewDeadlineMs');
  }
  if (settings.renewDeadlineMs <= JITTER_FACTOR * settings.retryPeriodMs) {
    throw new LeaderElectionConfigError(`renewDeadlineMs must be greater than retryPeriodMs*${JITTER_FACTOR}`);
  }
  if (settings.retryPeriodMs < 1) throw new LeaderElectionConfigError('retryPeriodMs must be positive');
  return settings;
}

/**
 * client-go's leader election on a coordination.k8s.io Lease: acquire (create the lease, or take it
 * over once it has not been renewed for its duration as timed by our own clock), renew every retry
 * period, give up leadership if renewal keeps failing past the renew deadline, and release the
 * lease on a clean stop. Every write is a compare-and-swap on the lease's resourceVersion.
 * Resolves when the election ends; a caller that wants to lead again calls it again.
 */
export async function runLeaderElection(config: LeaderElectionConfig): Promise<LeaderElectionOutcome> {
  const settings = compileSettings(config);
  const elector = new LeaderElector(config, settings);
  return elector.run();
}

class LeaderElector {
  private readonly log: Logger;
  private readonly leases: ResourceClient<Lease>;
  /** The lease as we last read or wrote it. */
  private lease: Lease | undefined;
  /** The holder record last seen, and when (monotonic ms) it last changed. */
  private observed: LeaseSpec | undefined;
  private observedAt = 0;
  private reportedLeader = '';

  constructor(
    private readonly config: LeaderElectionConfig,
    private readonly settings: Settings,
  ) {
    this.leases = config.client.resource('lease');
    this.log = (config.log ?? pino({ level: 'silent' })).child({ component: 'leader-election', lease: `${settings.namespace}/${config.name}`, identity: config.identity });
  }

  async run(): Promise<LeaderElectionOutcome> {
    if (!(await this.acquire())) return 'stopped';

    this.log.info('became leader');
    const leading = new AbortController();
    const work = Promise.resolve()
      .then(() => this.config.onStartedLeading(leading.signal))
      .catch((err: unknown) => this.log.error({ err }, 'onStartedLeading failed'));

    const lost = !(await this.renewLoop());
    leading.abort();
    if (lost) {
      this.log.warn('failed to renew the lease in time; leadership lost');
    } else if (this.settings.releaseOnCancel) {
      const bound = new AbortController();
      await Promise.race([work, sleep(this.settings.leaseDurationMs, bound.signal)]);
      bound.abort();
      await this.release();
    }
    this.callback(() => this.config.onStoppedLeading());
    return lost ? 'lost' : 'stopped';
  }

  /** Tries every retry period (jittered) until we hold the lease; false if stopped first. */
  private async acquire(): Promise<boolean> {
    const { signal } = this.config;
    while (!signal.aborted) {
      const ok = await this.tryAcquireOrRenew(performance.now() + this.settings.renewDeadlineMs);
      this.reportLeader();
      if (ok) return true;
      await sleep(this.settings.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /**
   * Renews a retry period after the last renewal and retries every retry period until the renew
   * deadline; false once no renewal succeeded in time, true when stopped. The window is counted
   * from when the last successful renewal began, not from when a timer fired: a busy event loop
   * that runs a timer late shortens the window rather than stretching leadership towards the
   * lease's expiry, and no attempt's calls outlast it. An attempt gets at most half the renew
   * deadline, so a call that stalls (a lost connection, an overloaded apiserver) leaves time for
   * another.
   */
  private async renewLoop(): Promise<boolean> {
    const { signal } = this.config;
    const { retryPeriodMs, renewDeadlineMs } = this.settings;
    let renewedAt = performance.now();
    while (!signal.aborted) {
      const deadline = renewedAt + retryPeriodMs + renewDeadlineMs;
      await sleepUntil(renewedAt + retryPeriodMs, signal);
      let renewed = false;
      while (!signal.aborted && performance.now() < deadline) {
        const attemptAt = performance.now();
        if (await this.tryAcquireOrRenew(Math.min(deadline, attemptAt + renewDeadlineMs / 2))) {
          renewed = true;
          renewedAt = attemptAt;
          break;
        }
        await sleepUntil(Math.min(attemptAt + retryPeriodMs, deadline), signal);
      }
      this.reportLeader();
      if (signal.aborted) return true;
      if (!renewed) return false;
    }
    return true;
  }

  /** One attempt, every call of it bounded by `deadline` (performance.now() time). */
  private async tryAcquireOrRenew(deadline: number): Promise<boolean> {
    const now = formatMicroTime();
    const ours: LeaseSpec = {
      holderIdentity: this.config.identity,
      leaseDurationSeconds: Math.ceil(this.settings.leaseDurationMs / 1000),
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
    const callOpts = (): { deadlineMs: number } => ({ deadlineMs: Math.max(1, Math.round(deadline - performance.now())) });

    if (await this.tryRenewCached(ours, callOpts())) return true;
    if (performance.now() >= deadline) return false;

    let current: Lease;
    try {
      current = await this.leases.get(this.settings.namespace, this.config.name, callOpts());
    } catch (err) {
      if (!isApiError(err, 'NotFound')) {
        this.log.warn({ err: (err as Error).message }, 'cannot read the lease');
        return false;
      }
      try {
        const created = await this.leases.create(
          { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.config.name, namespace: this.settings.namespace }, spec: ours },
          callOpts(),
        );
        this.observe(created);
        return true;
      } catch (createErr) {
        if (!isApiError(createErr, 'AlreadyExists')) this.log.warn({ err: (createErr as Error).message }, 'cannot create the lease');
        return false;
      }
    }

    const old = current.spec ?? {};
    if (!sameRecord(old, this.observed)) {
      this.observed = old;
      this.observedAt = performance.now();
    }
    this.lease = current;
    const holder = old.holderIdentity ?? '';
    const weHold = holder === this.config.identity;
    const durationMs = (old.leaseDurationSeconds ?? Math.ceil(this.settings.leaseDurationMs / 1000)) * 1000;
    if (holder && !weHold && this.observedAt + durationMs > performance.now()) return false;

    if (weHold) {
      ours.acquireTime = old.acquireTime ?? now;
      ours.leaseTransitions = old.leaseTransitions ?? 0;
    } else {
      ours.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
    }
    return this.writeLease({ ...current, spec: ours }, callOpts());
  }

  /**
   * The leader's renewal as one compare-and-swap on the lease as we last wrote it, without reading
   * it first (half the calls, and half the wait on a busy apiserver); false, for a read and a
   * fresh try, if we do not hold it or it changed meanwhile.
   */
  private async tryRenewCached(ours: LeaseSpec, callOpts: { deadlineMs: number }): Promise<boolean> {
    const cached = this.lease;
    const held = cached?.spec;
    if (!cached || held?.holderIdentity !== this.config.identity) return false;
    return this.writeLease({ ...cached, spec: { ...ours, acquireTime: held.acquireTime ?? ours.acquireTime, leaseTransitions: held.leaseTransitions ?? 0 } }, callOpts);
  }

  /** One compare-and-swap of the lease; false when it lost (a Conflict) or failed. */
  private async writeLease(lease: Lease, callOpts: { deadlineMs: number }): Promise<boolean> {
    try {
      this.observe(await this.leases.update(lease, callOpts));
      return true;
    } catch (err) {
      if (!isApiError(err, 'Conflict')) this.log.warn({ err: (err as Error).message }, 'cannot update the lease');
      return false;
    }
  }

  /** Clears the holder so another candidate can take over without waiting out the lease. */
  private async release(): Promise<void> {
    const lease = this.lease;
    if (!lease || lease.spec?.holderIdentity !== this.config.identity) return;
    const now = formatMicroTime();
    try {
      await this.leases.update(
        { ...lease, spec: { leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: lease.spec.leaseTransitions ?? 0 } },
        { deadlineMs: this.settings.renewDeadlineMs },
      );
      this.log.info('released the lease');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot release the lease; it expires on its own');
    }
  }

  private observe(lease: Lease): void {
    this.lease = lease;
    this.observed = lease.spec ?? {};
    this.observedAt = performance.now();
  }

  private reportLeader(): void {
    const holder = this.observed?.holderIdentity ?? '';
    if (!holder || holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    this.log.info({ leader: holder }, 'new leader observed');
    const onNewLeader = this.config.onNewLeader;
    if (onNewLeader) this.callback(() => onNewLeader(holder));
  }

  private callback(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'leader election callback failed');
    }
  }
}

/** Sleeps until a performance.now() time (at once if it has passed). */
function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  return sleep(Math.max(0, at - performance.now()), signal);
}

function sameRecord(a: LeaseSpec, b: LeaseSpec | undefined): boolean {
  return (
    b !== undefined &&
    (a.holderIdentity ?? '') === (b.holderIdentity ?? '') &&
    (a.renewTime ?? '') === (b.renewTime ?? '') &&
    (a.acquireTime ?? '') === (b.acquireTime ?? '') &&
    (a.leaseTransitions ?? 0) === (b.leaseTransitions ?? 0) &&
    (a.leaseDurationSeconds ?? 0) === (b.leaseDurationSeconds ?? 0)
  );
}
