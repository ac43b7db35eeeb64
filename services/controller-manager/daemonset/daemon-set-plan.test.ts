import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod, PodSpec, Taint } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { nodeShouldRunDaemonPod } from './daemon-pod-spec.js';
import { managePlan, podsByNode, rollingLimits, rollingUpdatePlan } from './daemon-set-plan.js';

const now = Date.parse('2024-05-10T12:00:00Z');

function node(name: string, taints: Taint[] = [], labels: Record<string, string> = {}): Node {
  return { metadata: { name, labels }, spec: { taints } };
}

function ds(podSpec: PodSpec = {}, maxSurge = 0): DaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      template: { spec: { containers: [{ name: 'a', image: 'a' }], ...podSpec } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { intVal: maxSurge ? 0 : 1 }, maxSurge: { intVal: maxSurge } } },
    },
  };
}

let seq = 0;
function pod(nodeName: string, hash: string, ready = true): Pod {
  seq++;
  return {
    metadata: { name: `agent-${seq}`, labels: { 'controller-revision-hash': hash }, creationTimestamp: formatTime(now - 1000 * (100 - seq)) },
    spec: { nodeName },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('nodeShouldRunDaemonPod', () => {
  it.each<[string, Node, DaemonSet, { shouldRun: boolean; shouldContinueRunning: boolean }]>([
    ['a plain node', node('n'), ds(), { shouldRun: true, shouldContinueRunning: true }],
    ['a node outside the node selector', node('n', [], { disk: 'hdd' }), ds({ nodeSelector: { disk: 'ssd' } }), { shouldRun: false, shouldContinueRunning: false }],
    ['a node of another name', node('n'), ds({ nodeName: 'other' }), { shouldRun: false, shouldContinueRunning: false }],
    [
      'outside the required node affinity',
      node('n', [], { zone: 'a' }),
      ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }] } } } }),
      { shouldRun: false, shouldContinueRunning: false },
    ],
    ['an untolerated NoSchedule taint', node('n', [{ key: 'k', effect: 'NoSchedule' }]), ds(), { shouldRun: false, shouldContinueRunning: true }],
    ['an untolerated NoExecute taint', node('n', [{ key: 'k', effect: 'NoExecute' }]), ds(), { shouldRun: false, shouldContinueRunning: false }],
    ['a tolerated taint', node('n', [{ key: 'k', effect: 'NoExecute' }]), ds({ tolerations: [{ key: 'k', operator: 'Exists' }] }), { shouldRun: true, shouldContinueRunning: true }],
    ['not ready (tolerated by every daemon)', node('n', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), ds(), { shouldRun: true, shouldContinueRunning: true }],
    ['under memory pressure', node('n', [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]), ds(), { shouldRun: true, shouldContinueRunning: true }],
    ['network unavailable, for a pod network daemon', node('n', [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds(), { shouldRun: false, shouldContinueRunning: true }],
    ['network unavailable, for a host network daemon', node('n', [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds({ hostNetwork: true }), { shouldRun: true, shouldContinueRunning: true }],
  ])('%s', (_name, n, d, want) => {
    expect(nodeShouldRunDaemonPod(n, d)).toEqual(want);
  });
});

describe('managePlan', () => {
  it('creates missing pods, deletes failed, duplicate and misplaced ones', () => {
    const nodes = [node('empty'), node('dup'), node('failed'), node('evicting', [{ key: 'k', effect: 'NoExecute' }])];
    const older = pod('dup', 'h');
    const newer = pod('dup', 'h');
    const failed = { ...pod('failed', 'h'), status: { phase: 'Failed' } };
    const evicted = pod('evicting', 'h');
    const orphan = { ...pod('', 'h'), spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gone'] }] }] } } } } };
    const plan = managePlan(ds(), nodes, podsByNode([older, newer, failed, evicted, orphan]), 'h');
    expect(plan.nodesNeedingPods).toEqual(['empty']);
    expect(plan.podsToDelete.map((p) => p.metadata?.name).sort()).toEqual([newer, failed, evicted, orphan].map((p) => p.metadata?.name).sort());
    expect(plan.failedPods).toEqual([failed]);
  });
});

describe('rollingUpdatePlan', () => {
  const nodes = ['a', 'b', 'c'].map((n) => node(n));

  it('without surge, deletes old pods while fewer than maxUnavailable nodes are down, and unavailable old pods at once', () => {
    const byNode = podsByNode([pod('a', 'old'), pod('b', 'old'), pod('c', 'old', false)]);
    const plan = rollingUpdatePlan(ds(), nodes, byNode, 'new', { maxUnavailable: 1, maxSurge: 0 }, now);
    expect(plan.podsToDelete.map((p) => p.spec?.nodeName)).toEqual(['c', 'a']);
    const busy = podsByNode([pod('a', 'new', false), pod('b', 'old'), pod('c', 'old')]);
    expect(rollingUpdatePlan(ds(), nodes, busy, 'new', { maxUnavailable: 1, maxSurge: 0 }, now).podsToDelete).toEqual([]);
  });

  it('with surge, starts new pods beside old ones and deletes an old pod once its successor is available', () => {
    const oldA = pod('a', 'old');
    const byNode = podsByNode([oldA, pod('a', 'new'), pod('b', 'old'), pod('c', 'old')]);
    const plan = rollingUpdatePlan(ds({}, 1), nodes, byNode, 'new', { maxUnavailable: 0, maxSurge: 1 }, now);
    expect(plan.podsToDelete).toEqual([oldA]);
    expect(plan.nodesNeedingPods).toEqual(['b']);
    const waiting = podsByNode([pod('a', 'old'), pod('a', 'new', false), pod('b', 'old'), pod('c', 'old')]);
    expect(rollingUpdatePlan(ds({}, 1), nodes, waiting, 'new', { maxUnavailable: 0, maxSurge: 1 }, now)).toEqual({ nodesNeedingPods: [], podsToDelete: [], failedPods: [] });
  });

  it('scales percentages by the nodes that should run the daemon, rounding up', () => {
    const d = ds();
    d.spec!.updateStrategy!.rollingUpdate = { maxUnavailable: { strVal: '10%' }, maxSurge: { intVal: 0 } };
    expect(rollingLimits(d, 15)).toEqual({ maxUnavailable: 2, maxSurge: 0 });
  });
});
