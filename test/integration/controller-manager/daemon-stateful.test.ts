import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { FakeKubelet } from '../../../services/controller-manager/testing/fake-kubelet.js';
import { resolveQuestion, type ServiceDirectory } from '../../../services/proxy/dns/records.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventually, livePods, reportRunning, useManagers } from './helpers.js';

// DaemonSets and StatefulSets against a real apiserver and etcd, with Node objects made by the
// test and no kubelets: pod status is reported where a kubelet would report it, and pods stay
// unscheduled (a daemon pod names its node by affinity, which is what the scheduler would bind).

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

function node(name: string, role: string, taints: t.Taint[] = []): t.Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, role } }, spec: { taints }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } };
}

function daemonSet(namespace: string, role: string, image = 'busybox:1.36'): t.DaemonSet {
  return {
    metadata: { name: 'agent', namespace },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { nodeSelector: { role }, containers: [{ name: 'agent', image, command: ['sleep', '3600'] }] },
      },
    },
  };
}

/** The node a daemon pod is pinned to by its required node affinity. */
function pinnedNode(pod: t.Pod): string {
  return pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ?? '';
}

async function daemonPodsOn(namespace: string, want: string[]): Promise<t.Pod[]> {
  const sorted = JSON.stringify([...want].sort());
  return eventually(async () => {
    const pods = await livePods(cluster.client, namespace, 'app=agent');
    return JSON.stringify(pods.map(pinnedNode).sort()) === sorted ? pods : undefined;
  }, 30_000, `daemon pods on ${want.join(', ') || 'no node'}`);
}

describe('daemon set', () => {
  it('runs one pod per node, follows nodes added and tainted, and reports status', async () => {
    const ns = await createNamespace(cluster.client, 'ds-nodes');
    for (const name of ['ds-a', 'ds-b']) await cluster.client.resource('node').create(node(name, 'ds-nodes'));
    await cluster.client.resource('node').create(node('ds-other', 'elsewhere'));
    await managers.start({ settings: { controllers: ['daemonset'] } });
    await cluster.client.resource('daemonSet').create(daemonSet(ns, 'ds-nodes'));
    const pods = await daemonPodsOn(ns, ['ds-a', 'ds-b']);
    expect(pods[0]?.spec?.tolerations?.map((tol) => tol.key)).toContain('node.kubernetes.io/unreachable');
    for (const [i, pod] of pods.entries()) await reportRunning(cluster.client, pod, `10.244.0.${10 + i}`);
    await eventually(async () => {
      const s = (await cluster.client.resource('daemonSet').get(ns, 'agent')).status;
      return s?.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.numberReady === 2 && s.numberAvailable === 2 && s.updatedNumberScheduled === 2;
    });

    await cluster.client.resource('node').create(node('ds-c', 'ds-nodes'));
    await daemonPodsOn(ns, ['ds-a', 'ds-b', 'ds-c']);

    // NoExecute evicts; an untolerated NoSchedule taint keeps new daemon pods off but, as in
    // Kubernetes, leaves the running one where it is.
    await cluster.client.resource('node').patch('', 'ds-c', { spec: { taints: [{ key: 'maintenance', effect: 'NoExecute' }] } }, { type: 'merge' });
    await daemonPodsOn(ns, ['ds-a', 'ds-b']);
    await cluster.client.resource('node').patch('', 'ds-b', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }, { type: 'merge' });
    await cluster.client.resource('node').create(node('ds-d', 'ds-nodes', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
    const status = await eventually(async () => {
      const s = (await cluster.client.resource('daemonSet').get(ns, 'agent')).status;
      return s?.desiredNumberScheduled === 1 && s.numberMisscheduled === 1 ? s : undefined;
    });
    expect(status).toMatchObject({ currentNumberScheduled: 1, numberReady: 1, observedGeneration: 1 });
    expect((await livePods(cluster.client, ns, 'app=agent')).map(pinnedNode).sort()).toEqual(['ds-a', 'ds-b']);
  });

  it('rolls a new image out with at most one node unavailable, keeping ControllerRevisions', async () => {
    const ns = await createNamespace(cluster.client, 'ds-roll');
    for (const name of ['roll-1', 'roll-2', 'roll-3']) await cluster.client.resource('node').create(node(name, 'ds-roll'));
    const kubelet = new FakeKubelet(cluster.client, { readyDelayMs: 100, accepts: (p) => p.metadata?.namespace === ns });
    await kubelet.start();
    try {
      await managers.start({ settings: { controllers: ['daemonset'] } });
      await cluster.client.resource('daemonSet').create(daemonSet(ns, 'ds-roll', 'busybox:1.36'));
      await eventually(async () => (await cluster.client.resource('daemonSet').get(ns, 'agent')).status?.numberAvailable === 3);

      let maxUnavailable = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const ready = (await livePods(cluster.client, ns, 'app=agent')).filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
          maxUnavailable = Math.max(maxUnavailable, 3 - ready.length);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await cluster.client.resource('daemonSet').patch(ns, 'agent', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'busybox:1.37' }] } } } }, { type: 'strategic' });
      await eventually(async () => {
        const ds = await cluster.client.resource('daemonSet').get(ns, 'agent');
        const s = ds.status ?? {};
        return s.observedGeneration === 2 && s.updatedNumberScheduled === 3 && s.numberAvailable === 3;
      }, 60_000, 'busybox:1.37 rolled out');
      sampling = false;
      await sampler;
      expect(maxUnavailable).toBeLessThanOrEqual(1);
      const images = (await livePods(cluster.client, ns, 'app=agent')).map((p) => p.spec?.containers?.[0]?.image);
      expect(images).toEqual(['busybox:1.37', 'busybox:1.37', 'busybox:1.37']);
      const revisions = (await cluster.client.resource('controllerRevision').list(ns)).items;
      expect(revisions.map((r) => [r.revision, r.data?.spec?.template?.spec?.containers?.[0]?.image]).sort()).toEqual([
        [1, 'busybox:1.36'],
        [2, 'busybox:1.37'],
      ]);

      // kubectl's rollout verbs: status, history, and undo back to revision 1 (renumbered 3).
      const cli = (...argv: string[]) => runVerb([...argv, '-n', ns], { client: cluster.client });
      expect((await cli('rollout', 'status', 'daemonset/agent')).stdout).toBe('daemon set "agent" successfully rolled out\n');
      expect((await cli('rollout', 'history', 'ds/agent')).stdout).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
      expect((await cli('rollout', 'undo', 'ds/agent')).stdout).toBe('daemonset.apps/agent rolled back\n');
      const status = await cli('rollout', 'status', 'ds/agent', '--timeout', '60s');
      expect(status.stdout).toMatch(/daemon set "agent" successfully rolled out\n$/);
      expect((await livePods(cluster.client, ns, 'app=agent')).map((p) => p.spec?.containers?.[0]?.image)).toEqual(['busybox:1.36', 'busybox:1.36', 'busybox:1.36']);
      expect((await cli('rollout', 'history', 'ds/agent')).stdout).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
      expect((await cli('get', 'ds')).stdout.replace(/\S+\n$/, '<age>\n')).toBe(
        'NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE\nagent   3         3         3       3            3           role=ds-roll    <age>\n',
      );
    } finally {
      await kubelet.stop();
    }
  });
});

function webStatefulSet(namespace: string): t.StatefulSet {
  return {
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'busybox:1.36', ports: [{ name: 'http', containerPort: 80 }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

describe('stateful set', () => {
  it('creates web-0..2 in order, each after the one before is Ready; scale to 1 keeps the claims and back to 3 reuses them', async () => {
    const ns = await createNamespace(cluster.client, 'sts-order');
    await cluster.client.resource('service').create({ metadata: { name: 'web', namespace: ns }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } });
    await managers.start({ settings: { controllers: ['statefulset', 'endpoint'] } });
    await cluster.client.resource('statefulSet').create(webStatefulSet(ns));
    const names = async () => (await livePods(cluster.client, ns, 'app=web')).map((p) => p.metadata?.name).sort();
    const podsNamed = (want: string[]) => eventually(async () => (JSON.stringify(await names()) === JSON.stringify(want) ? livePods(cluster.client, ns, 'app=web') : undefined), 30_000, want.join(', '));
    const makeReady = async (name: string, ip: string) => reportRunning(cluster.client, await cluster.client.resource('pod').get(ns, name), ip);

    const [web0] = await podsNamed(['web-0']);
    expect(web0?.spec).toMatchObject({ hostname: 'web-0', subdomain: 'web' });
    expect(web0?.metadata?.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0' });
    // Running but not Ready does not let web-1 start.
    await reportRunning(cluster.client, web0!, '10.244.1.10', false);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await names()).toEqual(['web-0']);
    await makeReady('web-0', '10.244.1.10');
    await podsNamed(['web-0', 'web-1']);
    await new Promise((r) => setTimeout(r, 500));
    expect(await names()).toEqual(['web-0', 'web-1']);
    await makeReady('web-1', '10.244.1.11');
    await podsNamed(['web-0', 'web-1', 'web-2']);
    await makeReady('web-2', '10.244.1.12');
    const status = await eventually(async () => {
      const s = (await cluster.client.resource('statefulSet').get(ns, 'web')).status;
      return s?.readyReplicas === 3 ? s : undefined;
    });
    expect(status).toMatchObject({ replicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(status.currentRevision).toBe(status.updateRevision);
    const cli = (...argv: string[]) => runVerb([...argv, '-n', ns], { client: cluster.client });
    expect((await cli('rollout', 'status', 'sts/web')).stdout).toBe('partitioned roll out complete: 3 new pods have been updated...\n');
    expect((await cli('get', 'sts')).stdout.replace(/\S+\n$/, '<age>\n')).toBe('NAME   READY   AGE\nweb    3/3     <age>\n');

    // Each pod's own DNS name comes from the headless Service's endpoints.
    const endpoints = await eventually(async () => {
      const ep = await cluster.client.resource('endpoints').get(ns, 'web').catch(() => undefined);
      return ep?.subsets?.[0]?.addresses?.length === 3 ? ep : undefined;
    });
    const service = await cluster.client.resource('service').get(ns, 'web');
    const directory: ServiceDirectory = { service: () => service, endpoints: () => endpoints, hasServicesIn: () => true };
    const answer = resolveQuestion(`web-1.web.${ns}.svc.cluster.local`, 'A', directory, 'cluster.local');
    expect(answer.answers.map((a) => ('data' in a ? a.data : undefined))).toEqual(['10.244.1.11']);

    const claims = async () => (await cluster.client.resource('persistentVolumeClaim').list(ns)).items.map((c) => `${c.metadata?.name}:${c.metadata?.uid}`).sort();
    const before = await claims();
    expect(before.map((c) => c.split(':')[0])).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    const scale = await cluster.client.getScale('statefulSet', ns, 'web');
    await cluster.client.updateScale('statefulSet', ns, { ...scale, spec: { replicas: 1 } });
    await podsNamed(['web-0']);
    expect(await claims()).toEqual(before);

    const again = await cluster.client.getScale('statefulSet', ns, 'web');
    await cluster.client.updateScale('statefulSet', ns, { ...again, spec: { replicas: 3 } });
    const [, web1] = await podsNamed(['web-0', 'web-1']);
    expect(web1?.spec?.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } });
    await makeReady('web-1', '10.244.1.21');
    await podsNamed(['web-0', 'web-1', 'web-2']);
    expect(await claims()).toEqual(before);
  });
});
