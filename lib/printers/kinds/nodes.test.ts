import { describe, expect, it } from 'vitest';
import type { Node } from '../../api/generated/index.js';
import { resourceByName } from '../../api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const nodes = resourceByName('nodes')!;

const ready: Node = {
  metadata: { name: 'node-1', creationTimestamp: '2024-05-08T12:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '' } },
  status: {
    conditions: [{ type: 'Ready', status: 'True' }],
    addresses: [
      { type: 'InternalIP', address: '192.168.1.10' },
      { type: 'Hostname', address: 'node-1' },
    ],
    nodeInfo: { kubeletVersion: 'v1.30.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'docker://20.10.24' },
  },
};
const cordoned: Node = {
  metadata: { name: 'node-2', creationTimestamp: '2024-05-10T11:55:00Z', labels: { 'kubernetes.io/role': 'worker' } },
  spec: { unschedulable: true },
  status: { conditions: [{ type: 'Ready', status: 'False' }], nodeInfo: { kubeletVersion: 'v1.30.0' } },
};
const fresh: Node = { metadata: { name: 'node-3', creationTimestamp: '2024-05-10T11:59:30Z' } };

describe('kubectl get nodes', () => {
  it('prints NAME STATUS ROLES AGE VERSION', () => {
    expect(printTable(nodes, [ready, cordoned, fresh], { now })).toBe(
      [
        'NAME     STATUS                        ROLES           AGE   VERSION',
        'node-1   Ready                         control-plane   2d    v1.30.0',
        'node-2   NotReady,SchedulingDisabled   worker          5m    v1.30.0',
        'node-3   Unknown                       <none>          30s   ',
        '',
      ].join('\n'),
    );
  });

  it('adds addresses and system info with -o wide', () => {
    expect(printTable(nodes, [ready, fresh], { now, wide: true })).toBe(
      [
        'NAME     STATUS    ROLES           AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME',
        'node-1   Ready     control-plane   2d    v1.30.0   192.168.1.10   <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   docker://20.10.24',
        'node-3   Unknown   <none>          30s             <none>         <none>        <unknown>                        <unknown>        <unknown>',
        '',
      ].join('\n'),
    );
  });

  it('ignores --all-namespaces for cluster-scoped kinds', () => {
    expect(printTable(nodes, [fresh], { now, allNamespaces: true })).toBe('NAME     STATUS    ROLES    AGE   VERSION\nnode-3   Unknown   <none>   30s   \n');
  });
});
