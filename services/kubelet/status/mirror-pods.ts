import { pino, type Logger } from 'pino';
import { isApiError } from '../../../lib/api/errors.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { keyOf } from '../../../lib/client/keys.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, isMirrorPod } from '../sources/static-pods.js';
import { CoalescedPass } from '../coalesced-pass.js';

interface MirrorPodsOptions {
  client: ApiClient;
  nodeName: string;
  /** The node's uid, for the mirror pods' owner reference (so they go when the Node goes). */
  nodeUid?: () => string | undefined;
  /** The API pod of that `namespace/name` as cached, if any. */
  cachedPod: (key: string) => Pod | undefined;
  /** Every mirror pod bound to this node in the cache. */
  cachedMirrorPods: () => Pod[];
  log?: Logger;
}

/** The hash a mirror pod carries: the static pod's uid (its config hash). */
function staticPodHash(pod: Pod): string {
  return pod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] ?? pod.metadata?.uid ?? '';
}

/** Whether an API pod is the current mirror of this static pod. */
export function isMirrorOf(staticPod: Pod, apiPod: Pod): boolean {
  return apiPod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] === staticPodHash(staticPod) && !apiPod.metadata?.deletionTimestamp;
}

/**
 * Kubernetes' mirror client: every static pod this node runs has a read-only copy in the API (same
 * namespace and name, annotated `kubernetes.io/config.mirror`), so users and controllers see it.
 * A mirror that is missing, outdated or being deleted is replaced; one without a static pod is removed.
 */
export class MirrorPods {
  readonly #options: MirrorPodsOptions;
  readonly #log: Logger;
  #staticPods = new Map<string, Pod>();
  readonly #syncs = new CoalescedPass(() => this.#syncOnce());

  constructor(options: MirrorPodsOptions) {
    this.#options = options;
    this.#log = (options.log ?? pino({ level: 'silent' })).child({ part: 'mirror-pods' });
  }

  /** The static pods this node runs now, by `namespace/name`. */
  setStaticPods(pods: Pod[]): void {
    this.#staticPods = new Map(pods.map((p) => [keyOf(p), p]));
    void this.sync();
  }

  staticPod(key: string): Pod | undefined {
    return this.#staticPods.get(key);
  }

  /** Converges the API's mirror pods on the static pods; overlapping calls fold into one more pass. */
  sync(): Promise<void> {
    return this.#syncs.run();
  }

  async #syncOnce(): Promise<void> {
    for (const [key, staticPod] of this.#staticPods) {
      const existing = this.#options.cachedPod(key);
      if (existing && isMirrorOf(staticPod, existing)) continue;
      if (existing && !isMirrorPod(existing)) {
        this.#log.warn({ pod: key }, 'a pod that is not a mirror pod holds the static pod\'s name; no mirror pod for it');
        continue;
      }
      try {
        if (existing) await this.#delete(existing);
        await this.#create(staticPod);
      } catch (err) {
        this.#log.warn({ pod: key, err: (err as Error).message }, 'cannot create mirror pod');
      }
    }
    for (const mirror of this.#options.cachedMirrorPods()) {
      // Mirrors of current static pods were replaced above if needed; the rest have no static pod.
      if (this.#staticPods.has(keyOf(mirror))) continue;
      try {
        await this.#delete(mirror);
      } catch (err) {
        this.#log.warn({ pod: keyOf(mirror), err: (err as Error).message }, 'cannot delete orphaned mirror pod');
      }
    }
  }

  async #create(staticPod: Pod): Promise<void> {
    const meta = staticPod.metadata ?? {};
    const nodeUid = this.#options.nodeUid?.();
    const mirror: Pod = {
      metadata: {
        name: meta.name ?? '',
        namespace: meta.namespace || 'default',
        ...(meta.labels && { labels: { ...meta.labels } }),
        annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: staticPodHash(staticPod) },
        ...(nodeUid && {
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.#options.nodeName, uid: nodeUid, controller: true }],
        }),
      },
      spec: { ...staticPod.spec, nodeName: this.#options.nodeName },
    };
    try {
      await this.#options.client.resource('pod').create(mirror);
      this.#log.info({ pod: keyOf(staticPod) }, 'mirror pod created');
    } catch (err) {
      // Our own earlier create that the cache has not shown yet.
      if (!isApiError(err, 'AlreadyExists')) throw err;
    }
  }

  async #delete(pod: Pod): Promise<void> {
    if (!isMirrorPod(pod)) return;
    try {
      await this.#options.client
        .resource('pod')
        .delete(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid ?? '' } });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}
