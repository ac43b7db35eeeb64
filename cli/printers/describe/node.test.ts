import { beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../lib/api/generated/index.js';
import { describeNode } from './node.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();

const node: Node = {
  metadata: {
    name: 'node-1',
    creationTimestamp: '2024-05-08T10:00:00Z',
    labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'node-1' },
    annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
  },
  spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
  status: {
    conditions: [
      {
        type: 'MemoryPressure',
        status: 'False',
        lastHeartbeatTime: '2024-05-10T11:59:30Z',
        lastTransitionTime: '2024-05-08T10:00:00Z',
        reason: 'KubeletHasSufficientMemory',
        message: 'kubelet has sufficient memory available',
      },
      {
        type: 'Ready',
        status: 'True',
        lastHeartbeatTime: '2024-05-10T11:59:30Z',
        lastTransitionTime: '2024-05-08T10:00:10Z',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
      },
    ],
    addresses: [
      { type: 'InternalIP', address: '192.168.1.10' },
      { type: 'Hostname', address: 'node-1' },
    ],
    capacity: { cpu: '2', memory: '4030228Ki', pods: '110', 'ephemeral-storage': '40470732Ki' },
    allocatable: { cpu: '2', memory: '3927828Ki', pods: '110', 'ephemeral-storage': '37297826550' },
    nodeInfo: {
      machineID: 'm1',
      systemUUID: 'u1',
      bootID: 'b1',
      kernelVersion: '6.1.0-18-amd64',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      operatingSystem: 'linux',
      architecture: 'amd64',
      containerRuntimeVersion: 'docker://20.10.24',
      kubeletVersion: 'v1.30.0',
      kubeProxyVersion: 'v1.30.0',
    },
  },
};

const pod = (namespace: string, name: string, seconds: number, resources: { requests?: Record<string, string>; limits?: Record<string, string> }, phase = 'Running'): Pod => ({
  metadata: { namespace, name, creationTimestamp: ago(seconds) },
  spec: { nodeName: 'node-1', containers: [{ name: 'c', resources }] },
  status: { phase },
});

const pods = [
  pod('default', 'mysql-x7k2p', 600, { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } }),
  pod('kube-system', 'coredns-1', 2 * 86400, { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } }),
  pod('default', 'job-done', 60, { requests: { cpu: '1' } }, 'Succeeded'),
];

describe('describeNode', () => {
  it('describes a node, its pods and its allocated resources like kubectl describe node', () => {
    expect(describeNode(node, { now, pods, events: [] })).toBe(
      [
        'Name:               node-1',
        'Roles:              <none>',
        'Labels:             kubernetes.io/hostname=node-1',
        '                    kubernetes.io/os=linux',
        'Annotations:        node.alpha.kubernetes.io/ttl: 0',
        'CreationTimestamp:  Wed, 08 May 2024 10:00:00 +0000',
        'Taints:             <none>',
        'Unschedulable:      false',
        'Conditions:',
        '  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message',
        '  ----             ------  -----------------                 ------------------                ------                       -------',
        '  MemoryPressure   False   Fri, 10 May 2024 11:59:30 +0000   Wed, 08 May 2024 10:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available',
        '  Ready            True    Fri, 10 May 2024 11:59:30 +0000   Wed, 08 May 2024 10:00:10 +0000   KubeletReady                 kubelet is posting ready status',
        'Addresses:',
        '  InternalIP:  192.168.1.10',
        '  Hostname:    node-1',
        'Capacity:',
        '  cpu:                2',
        '  ephemeral-storage:  40470732Ki',
        '  memory:             4030228Ki',
        '  pods:               110',
        'Allocatable:',
        '  cpu:                2',
        '  ephemeral-storage:  37297826550',
        '  memory:             3927828Ki',
        '  pods:               110',
        'System Info:',
        '  Machine ID:                 m1',
        '  System UUID:                u1',
        '  Boot ID:                    b1',
        '  Kernel Version:             6.1.0-18-amd64',
        '  OS Image:                   Debian GNU/Linux 12 (bookworm)',
        '  Operating System:           linux',
        '  Architecture:               amd64',
        '  Container Runtime Version:  docker://20.10.24',
        '  Kubelet Version:            v1.30.0',
        '  Kube-Proxy Version:         v1.30.0',
        'PodCIDR:                      10.244.0.0/24',
        'PodCIDRs:                     10.244.0.0/24',
        'Non-terminated Pods:          (2 in total)',
        '  Namespace                   Name           CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age',
        '  ---------                   ----           ------------  ----------  ---------------  -------------  ---',
        '  default                     mysql-x7k2p    250m (12%)    500m (25%)  256Mi (6%)       512Mi (13%)    10m',
        '  kube-system                 coredns-1      100m (5%)     0 (0%)      70Mi (1%)        170Mi (4%)     2d',
        'Allocated resources:',
        '  (Total limits may be over 100 percent, i.e., overcommitted.)',
        '  Resource           Requests    Limits',
        '  --------           --------    ------',
        '  cpu                350m (17%)  500m (25%)',
        '  memory             326Mi (8%)  682Mi (17%)',
        '  ephemeral-storage  0 (0%)      0 (0%)',
        'Events:              <none>',
        '',
      ].join('\n'),
    );
  });

  it('shows roles, taints, a cordon and the heartbeat lease', () => {
    const cordoned: Node = {
      metadata: { name: 'cp', creationTimestamp: '2024-05-08T10:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: {
        unschedulable: true,
        taints: [
          { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
          { key: 'dedicated', value: 'db', effect: 'NoExecute' },
        ],
      },
    };
    const lease = { spec: { holderIdentity: 'cp', renewTime: '2024-05-10T11:59:50Z' } };
    const text = describeNode(cordoned, { now, pods: [], lease });
    expect(text.split('\n').slice(0, 12)).toEqual([
      'Name:               cp',
      'Roles:              control-plane',
      'Labels:             node-role.kubernetes.io/control-plane=',
      'Annotations:        <none>',
      'CreationTimestamp:  Wed, 08 May 2024 10:00:00 +0000',
      'Taints:             dedicated=db:NoExecute',
      '                    node.kubernetes.io/unschedulable:NoSchedule',
      'Unschedulable:      true',
      'Lease:',
      '  HolderIdentity:  cp',
      '  AcquireTime:     <unset>',
      '  RenewTime:       Fri, 10 May 2024 11:59:50 +0000',
    ]);
    expect(text).not.toContain('Events:');
  });

  it('says why the lease could not be read, as kubectl does', () => {
    const node: Node = { metadata: { name: 'n1', creationTimestamp: '2024-05-08T10:00:00Z' } };
    const text = describeNode(node, { now, pods: [], leaseError: 'leases "n1" not found' });
    expect(text).toContain('Unschedulable:      false\nLease:              Failed to get lease: leases "n1" not found\n');
  });
});
