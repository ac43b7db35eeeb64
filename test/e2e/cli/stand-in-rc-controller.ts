import { randomBytes } from 'node:crypto';
import { isApiError } from '../../../lib/api/errors.js';
import type { ReplicationController } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { selectorFromSet } from '../../../lib/labels/selector.js';

// A minimal stand-in for the replication controller manager, the garbage collector and the
// kubelets, for CLI tests that run only the control plane: it keeps each RC's pod count at
// spec.replicas, marks new pods Ready at once, reports the counts in the RC's status
// (observedGeneration included), and finishes orphaning deletions (drops the owner references and
// the `orphan` finalizer). That is all a client-side rolling update relies on.

export interface StandIn {
  stop(): Promise<void>;
}

async function finishOrphaning(client: ApiClient, namespace: string, rc: ReplicationController): Promise<void> {
  const pods = client.resource('pod');
  for (const pod of (await pods.listAll(namespace)).items) {
    const refs = pod.metadata?.ownerReferences ?? [];
    if (!refs.some((r) => r.uid === rc.metadata?.uid)) continue;
    await pods.update({ ...pod, metadata: { ...pod.metadata, ownerReferences: refs.filter((r) => r.uid !== rc.metadata?.uid) } });
  }
  const finalizers = (rc.metadata?.finalizers ?? []).filter((f) => f !== 'orphan');
  await client.resource('replicationController').update({ ...rc, metadata: { ...rc.metadata, finalizers } });
}

async function syncOne(client: ApiClient, namespace: string, rc: ReplicationController): Promise<void> {
  if (rc.metadata?.deletionTimestamp) {
    if (rc.metadata.finalizers?.includes('orphan')) await finishOrphaning(client, namespace, rc);
    return;
  }
  const pods = client.resource('pod');
  const selector = selectorFromSet(rc.spec?.selector ?? {}).toString();
  const live = (await pods.listAll(namespace, { labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const want = rc.spec?.replicas ?? 0;
  for (let i = live.length; i < want; i++) {
    const created = await pods.create({
      metadata: {
        name: `${rc.metadata?.name}-${randomBytes(3).toString('hex').slice(0, 5)}`,
        namespace,
        labels: { ...rc.spec?.template?.metadata?.labels },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata?.name ?? '', uid: rc.metadata?.uid ?? '', controller: true }],
      },
      spec: rc.spec?.template?.spec ?? {},
    });
    await pods.updateStatus({ ...created, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime() }] } });
  }
  for (const extra of live.slice(want)) await pods.delete(namespace, extra.metadata?.name ?? '', { gracePeriodSeconds: 0 });
  const count = Math.min(live.length, want) + Math.max(0, want - live.length);
  const status = { replicas: count, readyReplicas: count, availableReplicas: count, observedGeneration: rc.metadata?.generation ?? 0 };
  const current = rc.status ?? {};
  if (current.replicas !== status.replicas || current.readyReplicas !== status.readyReplicas || current.observedGeneration !== status.observedGeneration) {
    await client.resource('replicationController').updateStatus({ ...rc, status: { ...current, ...status } });
  }
}

export function startStandInRcController(client: ApiClient, namespace = 'default', intervalMs = 100): StandIn {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { items } = await client.resource('replicationController').listAll(namespace);
      for (const rc of items) {
        try {
          await syncOne(client, namespace, rc);
        } catch (err) {
          // A conflict or a vanished object is resolved on the next pass, as in a real controller.
          if (!isApiError(err, 'Conflict') && !isApiError(err, 'NotFound') && !isApiError(err, 'AlreadyExists')) throw err;
        }
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
