import { describe, expect, it } from 'vitest';
import { conflict, isApiError } from '../../../lib/api/errors.js';
import type { Pod, StatefulSet } from '../../../lib/api/generated/index.js';
import { FakeKubelet } from '../testing/fake-kubelet.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { StatefulSetController } from './stateful-set-controller.js';

const ns = 'default';

function web(replicas: number, extra: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  return {
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      ...extra,
    },
  };
}

describe('StatefulSetController', () => {
  const env = useControllerTestEnv();
  const start = () => env.ctx.start(new StatefulSetController(env.ctx));
  const livePods = async (): Promise<Pod[]> => (await env.client.resource('pod').list(ns)).items.filter((p) => !p.metadata?.deletionTimestamp);
  const names = async (): Promise<string[]> => (await livePods()).map((p) => p.metadata?.name ?? '').sort();
  const podsNamed = (want: string[]) =>
    eventually(async () => (JSON.stringify(await names()) === JSON.stringify(want) ? livePods() : undefined), 20_000, `pods ${want.join(', ')}`);
  // Read-modify-write as a user's client does it: the controller writes the set's status meanwhile, so a conflict is read again.
  const update = async (change: (set: StatefulSet) => void): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const set = await env.client.resource('statefulSet').get(ns, 'web');
      change(set);
      try {
        await env.client.resource('statefulSet').update(set);
        return;
      } catch (err) {
        if (!isApiError(err, 'Conflict') || attempt >= 5) throw err;
      }
    }
  };
  const setStatus = async () => (await env.client.resource('statefulSet').get(ns, 'web')).status ?? {};

  it('creates pods in ordinal order, each once the one before is ready, with their identity and claims', async () => {
    const kubelet = new FakeKubelet(env.client, { readyDelayMs: 20 });
    kubelet.enabled = false;
    await kubelet.start();
    try {
      await env.client.resource('statefulSet').create(web(3));
      await start();
      const [first] = await podsNamed(['web-0']);
      // Nothing more while web-0 is not ready.
      await new Promise((r) => setTimeout(r, 300));
      expect(await names()).toEqual(['web-0']);
      expect(first?.metadata?.labels).toMatchObject({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0' });
      expect(first?.metadata?.labels?.['controller-revision-hash']).toMatch(/^web-/);
      expect(first?.spec).toMatchObject({ hostname: 'web-0', subdomain: 'web', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }] });
      kubelet.resume();
      await podsNamed(['web-0', 'web-1', 'web-2']);
      const created = (await env.client.resource('pod').list(ns)).items.sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion));
      expect(created.map((p) => p.metadata?.name)).toEqual(['web-0', 'web-1', 'web-2']);
      const claims = (await env.client.resource('persistentVolumeClaim').list(ns)).items;
      expect(claims.map((c) => c.metadata?.name).sort()).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
      expect(claims[0]?.metadata?.labels).toEqual({ app: 'web' });
      const status = await eventually(async () => {
        const s = await setStatus();
        return s.readyReplicas === 3 ? s : undefined;
      });
      expect(status).toMatchObject({ replicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
      expect(status.currentRevision).toBe(status.updateRevision);
      const warnings = (await env.client.resource('event').list(ns)).items.filter((e) => e.reason === 'ServiceNotFound');
      expect(warnings.map((e) => e.message)).toEqual(['service "web" not found: the pods of StatefulSet web get no DNS names until a headless Service of that name exists']);
    } finally {
      await kubelet.stop();
    }
  });

  it('scales down from the highest ordinal, keeping the claims, and back up onto the same claims', async () => {
    const kubelet = new FakeKubelet(env.client, { readyDelayMs: 10 });
    await kubelet.start();
    try {
      await env.client.resource('service').create({ metadata: { name: 'web', namespace: ns }, spec: { clusterIP: 'None', selector: { app: 'web' } } });
      await env.client.resource('statefulSet').create(web(3));
      await start();
      await podsNamed(['web-0', 'web-1', 'web-2']);
      const claimUids = (await env.client.resource('persistentVolumeClaim').list(ns)).items.map((c) => c.metadata?.uid).sort();
      const deleted: string[] = [];
      const watch = env.client.resource('pod').watch(ns, {});
      const collecting = (async () => {
        for await (const ev of watch) {
          if (ev.type === 'DELETED') deleted.push(ev.object.metadata?.name ?? '');
          if (deleted.length === 2) break;
        }
      })();
      await update((s) => (s.spec!.replicas = 1));
      await podsNamed(['web-0']);
      await collecting;
      expect(deleted).toEqual(['web-2', 'web-1']);
      expect((await env.client.resource('persistentVolumeClaim').list(ns)).items.map((c) => c.metadata?.uid).sort()).toEqual(claimUids);
      await update((s) => (s.spec!.replicas = 3));
      await podsNamed(['web-0', 'web-1', 'web-2']);
      expect((await env.client.resource('persistentVolumeClaim').list(ns)).items.map((c) => c.metadata?.uid).sort()).toEqual(claimUids);
      expect((await env.client.resource('event').list(ns)).items.filter((e) => e.reason === 'ServiceNotFound')).toEqual([]);
    } finally {
      await kubelet.stop();
    }
  });

  it('rolls an update from the highest ordinal down to the partition, then the rest', async () => {
    const kubelet = new FakeKubelet(env.client, { readyDelayMs: 10 });
    await kubelet.start();
    try {
      await env.client.resource('statefulSet').create(web(3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
      await start();
      await podsNamed(['web-0', 'web-1', 'web-2']);
      await eventually(async () => (await setStatus()).readyReplicas === 3);
      const images = async () => Object.fromEntries((await livePods()).map((p) => [p.metadata?.name, p.spec?.containers?.[0]?.image]));
      await update((s) => (s.spec!.template!.spec!.containers![0]!.image = 'nginx:2'));
      await eventually(async () => JSON.stringify(await images()) === JSON.stringify({ 'web-0': 'nginx:1', 'web-1': 'nginx:2', 'web-2': 'nginx:2' }) || undefined, 20_000, 'partition rolled');
      const partial = await eventually(async () => {
        const s = await setStatus();
        return s.updatedReplicas === 2 && s.readyReplicas === 3 ? s : undefined;
      });
      expect(partial.currentRevision).not.toBe(partial.updateRevision);
      expect(partial.currentReplicas).toBe(1);
      await update((s) => (s.spec!.updateStrategy!.rollingUpdate!.partition = 0));
      const done = await eventually(async () => {
        const s = await setStatus();
        return s.updatedReplicas === 3 && s.readyReplicas === 3 && s.currentRevision === s.updateRevision ? s : undefined;
      });
      expect(done.currentReplicas).toBe(3);
      expect(await images()).toEqual({ 'web-0': 'nginx:2', 'web-1': 'nginx:2', 'web-2': 'nginx:2' });
      expect((await env.client.resource('controllerRevision').list(ns)).items.map((r) => r.revision).sort()).toEqual([1, 2]);
    } finally {
      await kubelet.stop();
    }
  });

  it('with Parallel, creates every pod at once; with OnDelete, updates a pod only when it is deleted', async () => {
    await env.client.resource('statefulSet').create(web(3, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } }));
    await start();
    // No kubelet: none of them is ever ready.
    await podsNamed(['web-0', 'web-1', 'web-2']);
    await update((s) => (s.spec!.template!.spec!.containers![0]!.image = 'nginx:2'));
    await eventually(async () => (await setStatus()).observedGeneration === 2);
    const web1 = (await livePods()).find((p) => p.metadata?.name === 'web-1')!;
    await env.client.resource('pod').delete(ns, 'web-1');
    const replaced = await eventually(async () => {
      const p = (await livePods()).find((x) => x.metadata?.name === 'web-1');
      return p && p.metadata?.uid !== web1.metadata?.uid ? p : undefined;
    });
    expect(replaced.spec?.containers?.[0]?.image).toBe('nginx:2');
    expect((await livePods()).filter((p) => p.spec?.containers?.[0]?.image === 'nginx:1').map((p) => p.metadata?.name).sort()).toEqual(['web-0', 'web-2']);
  });

  it('replaces a failed pod under the same name', async () => {
    await env.client.resource('statefulSet').create(web(2, { podManagementPolicy: 'Parallel' }));
    await start();
    const [web0] = await podsNamed(['web-0', 'web-1']);
    await env.client.resource('pod').patch(ns, 'web-0', { status: { phase: 'Failed' } }, { type: 'merge', status: true });
    const replaced = await eventually(async () => {
      const p = (await livePods()).find((x) => x.metadata?.name === 'web-0');
      return p && p.metadata?.uid !== web0?.metadata?.uid ? p : undefined;
    });
    expect(replaced.spec?.hostname).toBe('web-0');
    expect((await env.client.resource('persistentVolumeClaim').list(ns)).items.map((c) => c.metadata?.name).sort()).toEqual(['data-web-0', 'data-web-1']);
  });

  it('with whenScaled: Delete, hands the claims of a scaled-down pod to that pod for the garbage collector', async () => {
    await env.client.resource('statefulSet').create(
      web(2, { podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }),
    );
    await start();
    const pods = await podsNamed(['web-0', 'web-1']);
    await eventually(async () => (await env.client.resource('persistentVolumeClaim').list(ns)).items.length === 2);
    const web1 = pods.find((p) => p.metadata?.name === 'web-1')!;
    await update((s) => (s.spec!.replicas = 1));
    await podsNamed(['web-0']);
    const claims = (await env.client.resource('persistentVolumeClaim').list(ns)).items;
    expect(claims.find((c) => c.metadata?.name === 'data-web-1')?.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: web1.metadata?.uid },
    ]);
    expect(claims.find((c) => c.metadata?.name === 'data-web-0')?.metadata?.ownerReferences ?? []).toEqual([]);
  });

  it('with whenScaled: Delete, keeps the pod until its claim is handed over, retrying a hand-over that lost to concurrent writes', async () => {
    await env.client.resource('statefulSet').create(
      web(2, { podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }),
    );
    await start();
    const pods = await podsNamed(['web-0', 'web-1']);
    await eventually(async () => (await env.client.resource('persistentVolumeClaim').list(ns)).items.length === 2);
    let refused = 0;
    env.fake.intercept = (method, request) => {
      if (method !== 'Patch' || (request as { name?: string }).name !== 'data-web-1' || refused++ > 0) return;
      return conflict('persistentvolumeclaims', 'data-web-1', 'too many concurrent changes, try again');
    };
    await update((s) => (s.spec!.replicas = 1));
    await podsNamed(['web-0']);
    const claim = await env.client.resource('persistentVolumeClaim').get(ns, 'data-web-1');
    expect(claim.metadata?.ownerReferences?.[0]?.uid).toBe(pods.find((p) => p.metadata?.name === 'web-1')?.metadata?.uid);
    expect(refused).toBeGreaterThan(1);
  });
});
