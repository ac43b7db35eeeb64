import { describe, expect, it } from 'vitest';
import { buildNodeStatus, newNode, statusChanged, type HostFacts } from './node-status.js';

const host: HostFacts = {
  cpuCores: 2,
  memoryBytes: 24 * 2 ** 30,
  kernelVersion: '6.1.0',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  architecture: 'amd64',
  hostname: 'h',
  machineID: 'm',
  bootID: 'b',
};
const id = { nodeName: 'n1', nodeIp: '127.0.0.1', kubeletPort: 10250, maxPods: 110 };

describe('node status', () => {
  it('reports capacity, allocatable, addresses, daemon endpoint and node info', () => {
    const s = buildNodeStatus(id, host, { runtimeUp: true, runtimeVersion: 'docker://20.10.24' }, undefined, '2026-01-01T00:00:00Z');
    expect(s.capacity).toEqual({ cpu: '2', memory: '25165824Ki', pods: '110', 'ephemeral-storage': '67108864Ki' });
    expect(s.allocatable?.memory).toBe('25063424Ki');
    expect(s.daemonEndpoints?.kubeletEndpoint?.Port).toBe(10250);
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'n1' }]);
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(s.nodeInfo).toMatchObject({ containerRuntimeVersion: 'docker://20.10.24', operatingSystem: 'linux', architecture: 'amd64' });
  });

  it('goes NotReady when the runtime is down and keeps transition times when nothing changes', () => {
    const t0 = '2026-01-01T00:00:00Z';
    const ready = buildNodeStatus(id, host, { runtimeUp: true, runtimeVersion: 'docker://x' }, undefined, t0);
    const again = buildNodeStatus(id, host, { runtimeUp: true, runtimeVersion: 'docker://x' }, ready, '2026-01-01T00:00:10Z');
    expect(again.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(t0);
    expect(statusChanged(ready, again)).toBe(false);
    const down = buildNodeStatus(id, host, { runtimeUp: false, runtimeVersion: 'docker://x', runtimeMessage: 'connect ENOENT' }, again, '2026-01-01T00:00:20Z');
    expect(down.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady', lastTransitionTime: '2026-01-01T00:00:20Z' });
    expect(statusChanged(again, down)).toBe(true);
  });

  it('labels a new node with hostname, os and arch', () => {
    const node = newNode(id, host, {});
    expect(node.metadata?.labels).toMatchObject({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
  });

  it('compares with a stored status regardless of key order and of fields it does not report', () => {
    const reported = buildNodeStatus(id, host, { runtimeUp: true, runtimeVersion: 'docker://x' }, undefined, '2026-01-01T00:00:00Z');
    const stored = JSON.parse(JSON.stringify({ images: [{ names: ['a'] }], ...reported })) as typeof reported;
    stored.conditions = stored.conditions?.map((c) => ({ message: c.message, reason: c.reason, ...c, lastHeartbeatTime: '2026-01-01T00:00:05Z' }));
    expect(statusChanged(stored, buildNodeStatus(id, host, { runtimeUp: true, runtimeVersion: 'docker://x' }, stored, '2026-01-01T00:00:10Z'))).toBe(false);
    // The node lifecycle controller marked the node Unknown: the kubelet's Ready=True is a change.
    stored.conditions = stored.conditions?.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
    expect(statusChanged(stored, buildNodeStatus(id, host, { runtimeUp: true, runtimeVersion: 'docker://x' }, stored, '2026-01-01T00:00:20Z'))).toBe(true);
  });
});
