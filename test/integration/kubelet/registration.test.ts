import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import { eventually, removeNodeContainers, setUpNode, startKubelet, tearDownNode, type TestNode } from './helpers.js';

// What the API shows of a kubelet's node: the Node object from the real host, Lease heartbeats,
// and NotReady when the container runtime does not answer.
const NODE = `it-kubelet-reg-${randomBytes(3).toString('hex')}`;
const BROKEN = `${NODE}-nodocker`;
let node: TestNode;
let kubelet: Kubelet;
let broken: Kubelet | undefined;

beforeAll(async () => {
  node = await setUpNode(NODE);
  kubelet = await startKubelet(node);
});

afterAll(async () => {
  await broken?.stop();
  await kubelet?.stop();
  await removeNodeContainers(BROKEN);
  await tearDownNode(node);
});

function condition(n: Node, type: string) {
  return n.status?.conditions?.find((c) => c.type === type);
}

describe('node registration and heartbeats', () => {
  it('registers the Node from the real host', async () => {
    const n = await node.client.resource('node').get('', NODE);
    expect(n.metadata?.labels).toMatchObject({ 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': expect.any(String) });
    expect(n.status?.capacity).toMatchObject({ cpu: expect.stringMatching(/^\d+$/), memory: expect.stringMatching(/^\d+Ki$/), pods: '110' });
    expect(n.status?.allocatable).toMatchObject({ cpu: n.status?.capacity?.cpu, pods: '110' });
    expect(n.status?.addresses).toEqual(expect.arrayContaining([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }]));
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(kubelet.port);
    expect(n.status?.nodeInfo).toMatchObject({
      operatingSystem: 'linux',
      containerRuntimeVersion: expect.stringMatching(/^docker:\/\/\d+\./),
      kubeletVersion: expect.stringMatching(/^v\d+\./),
      kernelVersion: expect.any(String),
    });
    expect(condition(n, 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(condition(n, 'MemoryPressure')?.status).toBe('False');
  });

  it('renews its Lease in kube-node-lease', async () => {
    const leases = node.client.resource('lease');
    const first = await eventually('lease', () => leases.get('kube-node-lease', NODE));
    expect(first.spec).toMatchObject({ holderIdentity: NODE, leaseDurationSeconds: 40 });
    const nodeUid = (await node.client.resource('node').get('', NODE)).metadata?.uid;
    expect(first.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: nodeUid }]);
    const renewed = await eventually('a renewal', async () => {
      const lease = await leases.get('kube-node-lease', NODE);
      return lease.spec?.renewTime !== first.spec?.renewTime ? lease : undefined;
    });
    expect(parseTime(renewed.spec?.renewTime ?? '')).toBeGreaterThan(parseTime(first.spec?.renewTime ?? ''));
  });

  it('records a Starting event for the node', async () => {
    const events = await eventually('Starting event', async () => {
      const { items } = await node.client.resource('event').list('default');
      const found = items.filter((e) => e.involvedObject?.kind === 'Node' && e.involvedObject.name === NODE && e.reason === 'Starting');
      return found.length > 0 ? found : undefined;
    });
    expect(events[0]?.source).toMatchObject({ component: 'kubelet', host: NODE });
  });

  it('registers NotReady, saying why, when the container runtime does not answer', async () => {
    broken = await startKubelet({ ...node, nodeName: BROKEN }, { docker: new Docker({ socketPath: '/nonexistent/docker.sock' }) });
    const n = await node.client.resource('node').get('', BROKEN);
    expect(condition(n, 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: expect.stringContaining('container runtime is down') });
  });
});
