import { pino, type Logger } from 'pino';
import { isApiError } from '../../../lib/api/errors.js';
import type { Pod, PodStatus } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';

/** How the status manager finds the API object a pod's status is written to. */
interface ApiPodLookup {
  /** The pod's API object as cached (a static pod's is its mirror pod), if there is one. */
  cached(pod: Pod): Pod | undefined;
  /** Whether an object fetched by name is this pod's (same uid, or the mirror of this static pod). */
  owns(pod: Pod, apiPod: Pod): boolean;
}

interface StatusManagerOptions {
  client: ApiClient;
  pods: ApiPodLookup;
  /** Statuses the API does not show yet (failed writes, mirror pods made later) are re-sent this often. */
  resyncIntervalMs?: number;
  log?: Logger;
}

interface Entry {
  pod: Pod;
  /** The newest status the kubelet computed. */
  status: PodStatus;
  /** A write is wanted: the status changed, or the API object must be deleted. */
  dirty: boolean;
  deleting: boolean;
  running?: Promise<void>;
}

const DEFAULT_RESYNC_MS = 10_000;
/** Conflicts come from our own cache lagging one write behind; a few fresh reads settle them. */
const MAX_CONFLICT_RETRIES = 3;

/**
 * Kubernetes' status manager: writes each pod's newest status through UpdateStatus, one write per
 * pod at a time and only when it differs from what the API object shows, and removes the API
 * object of a pod whose containers are gone (Delete with grace period 0 and a uid precondition).
 */
export class StatusManager {
  readonly #client: ApiClient;
  readonly #pods: ApiPodLookup;
  readonly #log: Logger;
  readonly #entries = new Map<string, Entry>();
  /** The object our last write returned, newer than the cache until the watch catches up. */
  readonly #written = new Map<string, Pod>();
  readonly #resyncMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: StatusManagerOptions) {
    this.#client = options.client;
    this.#pods = options.pods;
    this.#log = (options.log ?? pino({ level: 'silent' })).child({ part: 'status-manager' });
    this.#resyncMs = options.resyncIntervalMs ?? DEFAULT_RESYNC_MS;
  }

  start(): void {
    this.#timer = setInterval(() => this.resyncAll(), this.#resyncMs);
    this.#timer.unref();
  }

  /** Stops writing; resolves once writes in flight are done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#entries.values()].map((e) => e.running));
  }

  /** The pod's newest status; written soon unless the API object already shows it. */
  setStatus(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const entry = this.#entries.get(uid);
    if (entry?.deleting) return;
    if (entry) Object.assign(entry, { pod, status, dirty: true });
    else this.#entries.set(uid, { pod, status, dirty: true, deleting: false });
    this.#kick(uid);
  }

  /** A deleted pod's containers are gone: remove its API object (a queued status write is dropped). */
  podTerminated(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const entry = this.#entries.get(uid);
    if (entry) Object.assign(entry, { pod, dirty: true, deleting: true });
    else this.#entries.set(uid, { pod, status: pod.status ?? {}, dirty: true, deleting: true });
    this.#kick(uid);
  }

  /** Forgets a pod that stopped existing without our deletion (its status has nowhere to go). */
  forget(uid: string): void {
    const entry = this.#entries.get(uid);
    if (entry && !entry.deleting) this.#entries.delete(uid);
    this.#written.delete(uid);
  }

  /**
   * Re-sends the status of a pod whose API object now differs from it (e.g. a new mirror pod), and
   * tries again a delete that failed (a busy apiserver): nothing else would bring it back, and
   * the pod would stay Terminating.
   */
  resync(uid: string): void {
    const entry = this.#entries.get(uid);
    if (!entry) return;
    if (entry.deleting) {
      entry.dirty = true;
      this.#kick(uid);
      return;
    }
    const current = this.#current(entry.pod);
    if (current && sameStatus(current.status, entry.status)) return;
    entry.dirty = true;
    this.#kick(uid);
  }

  resyncAll(): void {
    for (const uid of this.#entries.keys()) this.resync(uid);
  }

  #kick(uid: string): void {
    const entry = this.#entries.get(uid);
    if (!entry || entry.running || this.#stopped) return;
    entry.running = this.#drain(uid, entry).finally(() => {
      entry.running = undefined;
      if (entry.dirty && !this.#stopped && this.#entries.get(uid) === entry) this.#kick(uid);
    });
  }

  async #drain(uid: string, entry: Entry): Promise<void> {
    while (entry.dirty && !this.#stopped) {
      entry.dirty = false;
      try {
        if (entry.deleting) {
          await this.#delete(entry.pod);
          this.#entries.delete(uid);
          this.#written.delete(uid);
          return;
        }
        await this.#write(uid, entry.pod, entry.status);
      } catch (err) {
        // Left for the periodic resync.
        this.#log.warn({ pod: podName(entry.pod), err: (err as Error).message }, entry.deleting ? 'cannot delete pod' : 'cannot update pod status');
        return;
      }
    }
  }

  /** The freshest copy we know of: the cache, or our own last write if the cache has not caught up. */
  #current(pod: Pod): Pod | undefined {
    const cached = this.#pods.cached(pod);
    const written = this.#written.get(pod.metadata?.uid ?? '');
    if (!cached) return undefined;
    if (!written || written.metadata?.uid !== cached.metadata?.uid) return cached;
    return Number(written.metadata?.resourceVersion) > Number(cached.metadata?.resourceVersion) ? written : cached;
  }

  async #write(uid: string, pod: Pod, status: PodStatus): Promise<void> {
    let target = this.#current(pod);
    for (let attempt = 0; target; attempt++) {
      if (sameStatus(target.status, status)) return;
      try {
        const updated = await this.#client.resource('pod').updateStatus(statusWrite(target, status));
        this.#written.set(uid, updated);
        return;
      } catch (err) {
        if (isApiError(err, 'NotFound')) return;
        if (!isApiError(err, 'Conflict') || attempt >= MAX_CONFLICT_RETRIES) throw err;
      }
      const fresh = await this.#client
        .resource('pod')
        .get(target.metadata?.namespace ?? '', target.metadata?.name ?? '')
        .catch((err: unknown) => {
          if (isApiError(err, 'NotFound')) return undefined;
          throw err;
        });
      target = fresh && this.#pods.owns(pod, fresh) ? fresh : undefined;
    }
  }

  async #delete(pod: Pod): Promise<void> {
    const meta = pod.metadata ?? {};
    try {
      await this.#client.resource('pod').delete(meta.namespace ?? '', meta.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: meta.uid ?? '' } });
      this.#log.debug({ pod: podName(pod) }, 'pod deleted');
    } catch (err) {
      // Gone already, or the name now belongs to a new pod (the uid precondition failed).
      if (isApiError(err, 'NotFound') || isApiError(err, 'Conflict')) return;
      throw err;
    }
  }
}

/**
 * What a status write carries: the status and the pod's identity and revision, nothing of its
 * spec, labels or managed fields, which the status subresource takes from the stored pod anyway
 * (encoding the whole pod was the largest part of the kubelet's own CPU for a pod start).
 */
function statusWrite(target: Pod, status: PodStatus): Pod {
  const { name, namespace, uid, resourceVersion } = target.metadata ?? {};
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid, resourceVersion }, status };
}

function podName(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/**
 * Whether two statuses say the same, ignoring what protobuf cannot tell apart (absent vs. empty
 * list, absent vs. null) so a status read back from the API compares equal to the one we sent.
 */
export function sameStatus(a: PodStatus | undefined, b: PodStatus | undefined): boolean {
  return canonical(a ?? {}) === canonical(b ?? {});
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || (Array.isArray(v) && v.length === 0)) return undefined;
    if (typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    return v;
  });
}
