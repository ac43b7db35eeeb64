import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors.js';
import type { Lease } from '../api/generated/index.js';
import type { ApiClient } from '../client/client.js';
import { useFakeApiServer } from '../client/testing/fake-api-per-test.js';
import { LeaderElectionConfigError, runLeaderElection, type LeaderElectionConfig } from './leader-election.js';

const timing = { leaseDurationMs: 1000, renewDeadlineMs: 400, retryPeriodMs: 50 };
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Candidate {
  stop: AbortController;
  leading: boolean;
  leadingSignal: AbortSignal | undefined;
  started: number;
  stopped: number;
  leaders: string[];
  outcome: Promise<string>;
}

function candidate(client: ApiClient, identity: string, extra: Partial<LeaderElectionConfig> = {}): Candidate {
  const stop = new AbortController();
  const c: Candidate = { stop, leading: false, leadingSignal: undefined, started: 0, stopped: 0, leaders: [], outcome: Promise.resolve('') };
  c.outcome = runLeaderElection({
    client,
    name: 'controller-manager',
    identity,
    ...timing,
    signal: stop.signal,
    onStartedLeading: (signal) => {
      c.leading = true;
      c.leadingSignal = signal;
      c.started++;
    },
    onStoppedLeading: () => {
      c.leading = false;
      c.stopped++;
    },
    onNewLeader: (id) => c.leaders.push(id),
    ...extra,
  });
  return c;
}

describe('runLeaderElection', () => {
  const api = useFakeApiServer();

  const lease = () => api.fake.stored('lease', 'kube-system', 'controller-manager');

  it('creates the lease, renews it, and releases it on stop', async () => {
    const a = candidate(api.client, 'a');
    await waitFor(() => a.leading);
    const first = lease()!;
    expect(first.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(first.spec?.renewTime).toMatch(MICRO_TIME);
    expect(first.spec?.acquireTime).toMatch(MICRO_TIME);
    await waitFor(() => lease()!.spec?.renewTime !== first.spec?.renewTime);
    expect(lease()!.spec?.acquireTime).toBe(first.spec?.acquireTime);
    expect(a.leaders).toEqual(['a']);

    a.stop.abort();
    expect(await a.outcome).toBe('stopped');
    expect(a.leadingSignal?.aborted).toBe(true);
    expect(a.stopped).toBe(1);
    expect(lease()!.spec?.holderIdentity ?? '').toBe('');
  });

  it('lets exactly one candidate lead, and hands over on release without waiting out the lease', async () => {
    // A lease of a minute: b takes over well within the deadline only because a released it.
    const long = { leaseDurationMs: 60_000 };
    const a = candidate(api.client, 'a', long);
    await waitFor(() => a.leading);
    const b = candidate(api.client, 'b', long);
    await waitFor(() => b.leaders.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.leading).toBe(false);
    expect(b.leaders).toEqual(['a']);

    a.stop.abort();
    await a.outcome;
    await waitFor(() => b.leading, 20_000);
    expect(lease()!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(b.leaders).toEqual(['a', 'b']);
    b.stop.abort();
    expect(await b.outcome).toBe('stopped');
  });

  it('times a held lease by its own clock, not by the renewTime written in it', async () => {
    // Renewed "long ago" by the holder's clock, but an hour long: trusting renewTime would take it at once.
    await api.client.resource('lease').create({
      metadata: { name: 'controller-manager', namespace: 'kube-system' },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 3600, acquireTime: '2000-01-01T00:00:00.000000Z', renewTime: '2000-01-01T00:00:00.000000Z', leaseTransitions: 4 },
    });
    const a = candidate(api.client, 'a');
    await waitFor(() => a.leaders.length === 1);
    const gets = api.fake.callCount('Get');
    await waitFor(() => api.fake.callCount('Get') >= gets + 5);
    expect(a.leading).toBe(false);
    expect(lease()!.spec).toMatchObject({ holderIdentity: 'ghost', leaseTransitions: 4 });
    a.stop.abort();
    expect(await a.outcome).toBe('stopped');
  });

  it('takes over a lease that was not renewed for its duration', async () => {
    const recent = new Date().toISOString().replace('Z', '000Z');
    await api.client.resource('lease').create({
      metadata: { name: 'controller-manager', namespace: 'kube-system' },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 1, acquireTime: recent, renewTime: recent, leaseTransitions: 4 },
    });
    const a = candidate(api.client, 'a');
    await waitFor(() => a.leading, 20_000);
    expect(lease()!.spec).toMatchObject({ holderIdentity: 'a', leaseTransitions: 5 });
    expect(a.leaders).toEqual(['ghost', 'a']);
    a.stop.abort();
    await a.outcome;
  });

  it('keeps leadership through failed renewals within the renew deadline', async () => {
    const a = candidate(api.client, 'a', { leaseDurationMs: 30_000, renewDeadlineMs: 20_000 });
    await waitFor(() => a.leading);
    let failures = 0;
    api.fake.intercept = (method) => {
      if ((method === 'Get' || method === 'Update') && failures < 3) {
        failures++;
        return new ApiError('ServiceUnavailable', 'etcd down');
      }
      return undefined;
    };
    await waitFor(() => failures === 3);
    const failedAt = lease()!.spec?.renewTime;
    await waitFor(() => lease()!.spec?.renewTime !== failedAt, 20_000);
    expect(a.leading).toBe(true);
    expect(a.stopped).toBe(0);
    a.stop.abort();
    expect(await a.outcome).toBe('stopped');
  });

  it('gives up leadership when renewals fail past the renew deadline', async () => {
    const a = candidate(api.client, 'a');
    await waitFor(() => a.leading);
    api.fake.intercept = (method) => (method === 'Get' || method === 'Update' ? new ApiError('ServiceUnavailable', 'etcd down') : undefined);
    expect(await a.outcome).toBe('lost');
    expect(a.leadingSignal?.aborted).toBe(true);
    expect(a.stopped).toBe(1);
  });

  it('loses leadership when another holder overwrote the lease', async () => {
    const a = candidate(api.client, 'a');
    await waitFor(() => a.leading);
    // The leader renews all the time, so the intruder retries its compare-and-swap like any client would.
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await api.client.resource('lease').get('kube-system', 'controller-manager');
      try {
        await api.client.resource('lease').update({ ...current, spec: { ...current.spec, holderIdentity: 'intruder' } });
        break;
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === 'Conflict')) throw err;
      }
    }
    expect(await a.outcome).toBe('lost');
    expect(lease()!.spec?.holderIdentity).toBe('intruder');
  });

  it('waits for the leader work to finish before releasing', async () => {
    let holderWhenWorkEnded: string | undefined;
    const a = candidate(api.client, 'a', {
      onStartedLeading: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () =>
            setTimeout(() => {
              holderWhenWorkEnded = lease()?.spec?.holderIdentity;
              resolve();
            }, 100),
          ),
        ),
    });
    await waitFor(() => lease()?.spec?.holderIdentity === 'a');
    a.stop.abort();
    await a.outcome;
    expect(holderWhenWorkEnded).toBe('a');
    expect(lease()!.spec?.holderIdentity ?? '').toBe('');
  });

  it('returns without leading when stopped while waiting', async () => {
    const a = candidate(api.client, 'a');
    await waitFor(() => a.leading);
    const b = candidate(api.client, 'b');
    await waitFor(() => b.leaders.length === 1);
    b.stop.abort();
    expect(await b.outcome).toBe('stopped');
    expect(b.started + b.stopped).toBe(0);
    a.stop.abort();
    await a.outcome;
  });

  it('rejects inconsistent timing', async () => {
    const base = { client: api.client, name: 'x', identity: 'a', signal: new AbortController().signal, onStartedLeading: () => {}, onStoppedLeading: () => {} };
    await expect(runLeaderElection({ ...base, leaseDurationMs: 1000, renewDeadlineMs: 1000 })).rejects.toThrow(LeaderElectionConfigError);
    await expect(runLeaderElection({ ...base, renewDeadlineMs: 2000, retryPeriodMs: 2000 })).rejects.toThrow(LeaderElectionConfigError);
    await expect(runLeaderElection({ ...base, identity: '' })).rejects.toThrow(LeaderElectionConfigError);
  });
});

/** A lease store whose calls take as long as `latencyMs` says, on fake timers, honouring each call's deadline. */
function slowLeases() {
  const calls: { method: string; at: number; deadlineMs: number }[] = [];
  let stored: Lease | undefined;
  let version = 0;
  const store = {
    calls,
    latencyMs: (_method: string): number => 10,
    stored: () => stored,
  };
  const call = <T>(method: string, opts: { deadlineMs: number }, work: () => T): Promise<T> => {
    calls.push({ method, at: performance.now(), deadlineMs: opts.deadlineMs });
    const latency = store.latencyMs(method);
    return new Promise((resolve, reject) => {
      if (latency > opts.deadlineMs) setTimeout(() => reject(new ApiError('Timeout', 'deadline exceeded')), opts.deadlineMs);
      else setTimeout(() => {
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      }, latency);
    });
  };
  const write = (lease: Lease): Lease => {
    stored = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++version) } };
    return stored;
  };
  const leases = {
    get: (_ns: string, _name: string, opts: { deadlineMs: number }) =>
      call('Get', opts, () => {
        if (!stored) throw new ApiError('NotFound', 'no lease');
        return stored;
      }),
    create: (lease: Lease, opts: { deadlineMs: number }) => call('Create', opts, () => write(lease)),
    update: (lease: Lease, opts: { deadlineMs: number }) =>
      call('Update', opts, () => {
        if (lease.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) throw new ApiError('Conflict', 'changed');
        return write(lease);
      }),
  };
  return { store, client: { resource: () => leases } as unknown as ApiClient };
}

describe('runLeaderElection renewals (fake timers)', () => {
  const timing15 = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  function lead(client: ApiClient) {
    const stop = new AbortController();
    const state = { leading: false, startedAt: -1, stoppedAt: -1 };
    const outcome = runLeaderElection({
      client, name: 'scheduler', identity: 'a', ...timing15, signal: stop.signal, releaseOnCancel: false,
      onStartedLeading: () => {
        state.leading = true;
        state.startedAt = performance.now();
      },
      onStoppedLeading: () => {
        state.leading = false;
        state.stoppedAt = performance.now();
      },
    });
    return { stop, state, outcome };
  }

  it('renews the lease it holds with one compare-and-swap every retry period, reading it only after a conflict', async () => {
    const { store, client } = slowLeases();
    const a = lead(client);
    await vi.advanceTimersByTimeAsync(100);
    expect(a.state.leading).toBe(true);
    store.calls.length = 0;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(store.calls.map((c) => c.method)).toEqual(['Update', 'Update', 'Update']);

    // Someone else touched the lease (without taking it): the cached write conflicts, a read settles it.
    const current = store.stored()!;
    const touched = client.resource('lease').update({ ...current, metadata: { ...current.metadata } }, { deadlineMs: 1_000 });
    await vi.advanceTimersByTimeAsync(10);
    await touched;
    store.calls.length = 0;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(store.calls.map((c) => c.method)).toEqual(['Update', 'Get', 'Update']);
    expect(a.state.leading).toBe(true);
    a.stop.abort();
    expect(await a.outcome).toBe('stopped');
  });

  it('retries a stalled renewal within the renew deadline, no call outlasting it, and keeps leading', async () => {
    const { store, client } = slowLeases();
    const a = lead(client);
    await vi.advanceTimersByTimeAsync(100);
    const renewedAt = a.state.startedAt;
    // The calls sent in the 3 s after the renewal is due are never answered; later ones are, at once.
    const slowUntil = renewedAt + 5_000;
    store.latencyMs = () => (performance.now() < slowUntil ? 60_000 : 10);
    store.calls.length = 0;
    await vi.advanceTimersByTimeAsync(12_000);
    expect(a.state.leading).toBe(true);
    const windowEnd = renewedAt + timing15.retryPeriodMs + timing15.renewDeadlineMs;
    for (const c of store.calls.filter((call) => call.at < slowUntil)) expect(c.at + c.deadlineMs).toBeLessThanOrEqual(windowEnd + 1);
    expect(store.calls.filter((c) => c.at >= slowUntil).length).toBeGreaterThan(0);
    a.stop.abort();
    expect(await a.outcome).toBe('stopped');
  });

  it('gives up leading before the lease expires when no renewal gets through', async () => {
    const { store, client } = slowLeases();
    const a = lead(client);
    await vi.advanceTimersByTimeAsync(100);
    const renewedAt = a.state.startedAt;
    store.latencyMs = () => 60_000;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await a.outcome).toBe('lost');
    expect(a.state.stoppedAt - renewedAt).toBeLessThanOrEqual(timing15.retryPeriodMs + timing15.renewDeadlineMs + 1);
    expect(a.state.stoppedAt - renewedAt).toBeLessThan(timing15.leaseDurationMs);
  });
});
