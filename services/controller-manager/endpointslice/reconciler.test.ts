import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Pod, Service } from '../../../lib/api/generated/index.js';
import { runningStatus } from '../testing/running-status.js';
import { desiredPortGroups } from './desired-endpoints.js';
import { planSlices, serviceSliceOwner } from './reconciler.js';

const ns = 'default';
const service: Service = {
  metadata: { name: 'web', namespace: ns, uid: 'svc-uid', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: { strVal: 'http' } }] },
};

function pod(n: number, opts: { ready?: boolean; port?: number; deleting?: boolean } = {}): Pod {
  const p: Pod = {
    metadata: { name: `web-${n}`, namespace: ns, uid: `uid-${n}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2024-05-01T10:00:00Z' } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'web:1', ports: [{ name: 'http', containerPort: opts.port ?? 8080 }] }] },
  };
  return { ...p, status: runningStatus(p, `10.244.0.${n}`, { ready: opts.ready ?? true }) };
}
const pods = (count: number): Pod[] => Array.from({ length: count }, (_, i) => pod(i + 1));

/** Applies a plan as the apiserver would: names for created slices, and returns the resulting slices. */
function apply(existing: EndpointSlice[], plan: ReturnType<typeof planSlices>): EndpointSlice[] {
  let n = existing.length;
  const deleted = new Set(plan.delete.map((s) => s.metadata?.name));
  const updated = new Map(plan.update.map((s) => [s.metadata?.name, s]));
  const kept = existing.filter((s) => !deleted.has(s.metadata?.name)).map((s) => updated.get(s.metadata?.name) ?? s);
  return [...kept, ...plan.create.map((s) => ({ ...s, metadata: { ...s.metadata, name: `web-${++n}` } }))];
}
const plan = (podList: Pod[], existing: EndpointSlice[] = [], max = 100) => planSlices(serviceSliceOwner(service), desiredPortGroups(service, podList), existing, max);
const sizes = (slices: readonly EndpointSlice[]) => slices.map((s) => s.endpoints?.length ?? 0);
const counts = (p: ReturnType<typeof planSlices>) => [p.create.length, p.update.length, p.delete.length];

describe('EndpointSlice reconciler', () => {
  it('packs the pods into slices of at most maxEndpointsPerSlice, owned and labelled as Kubernetes does', () => {
    const p = plan(pods(5), [], 2);
    expect(sizes(p.create)).toEqual([2, 2, 1]);
    expect(p.create[0]).toMatchObject({
      metadata: {
        generateName: 'web-',
        namespace: ns,
        labels: { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(p.create[0]!.endpoints![0]).toEqual({
      addresses: ['10.244.0.1'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'n1',
      targetRef: { kind: 'Pod', namespace: ns, name: 'web-1', uid: 'uid-1' },
    });
  });

  it('writes nothing when the slices already match', () => {
    const slices = apply([], plan(pods(5), [], 2));
    expect(counts(plan(pods(5), slices, 2))).toEqual([0, 0, 0]);
  });

  it('updates only the slice of a pod whose conditions change, in place', () => {
    const slices = apply([], plan(pods(5), [], 2));
    const changed = [...pods(4), pod(5, { deleting: true, ready: true })];
    const p = plan(changed, slices, 2);
    expect(counts(p)).toEqual([0, 1, 0]);
    expect(p.update[0]!.metadata?.name).toBe(slices[2]!.metadata?.name);
    expect(p.update[0]!.endpoints![0]!.conditions).toEqual({ ready: false, serving: true, terminating: true });
  });

  it('fills room in existing slices before creating one, and deletes slices left empty', () => {
    const slices = apply([], plan(pods(3), [], 2));
    const grown = plan(pods(4), slices, 2);
    expect(counts(grown)).toEqual([0, 1, 0]);
    expect(sizes(apply(slices, grown))).toEqual([2, 2]);

    const shrunk = plan(pods(2), apply(slices, grown), 2);
    expect(counts(shrunk)).toEqual([0, 0, 1]);
  });

  it('puts pods that resolve a named port differently in slices of their own', () => {
    const p = plan([pod(1), pod(2, { port: 9090 }), pod(3)]);
    expect(p.create.map((s) => [s.ports?.[0]?.port, s.endpoints?.map((e) => e.addresses?.[0])])).toEqual([
      [8080, ['10.244.0.1', '10.244.0.3']],
      [9090, ['10.244.0.2']],
    ]);
  });

  it('keeps one empty placeholder slice for a service without endpoints', () => {
    const p = plan([]);
    expect(counts(p)).toEqual([1, 0, 0]);
    expect(p.create[0]).toMatchObject({ addressType: 'IPv4', endpoints: [], ports: [] });
    const slices = apply([], p);
    expect(counts(plan([], slices))).toEqual([0, 0, 0]);
    // Pods arriving replace it with a slice of their ports.
    const withPods = plan(pods(1), slices);
    expect(counts(withPods)).toEqual([1, 0, 1]);
  });

  it('deletes slices of an earlier service of the same name', () => {
    const stale = apply([], plan(pods(1))).map((s) => ({ ...s, metadata: { ...s.metadata, ownerReferences: [{ ...s.metadata!.ownerReferences![0]!, uid: 'old-uid' }] } }));
    expect(counts(plan(pods(1), stale))).toEqual([1, 0, 1]);
  });

  it('leaves out pods without an IP or finished, and keeps not-ready pods as not ready', () => {
    const noIp = { ...pod(1), status: { phase: 'Pending' } };
    const finished = { ...pod(2), status: { ...pod(2).status, phase: 'Succeeded' } };
    const p = plan([noIp, finished, pod(3, { ready: false })]);
    expect(p.create[0]!.endpoints).toEqual([expect.objectContaining({ addresses: ['10.244.0.3'], conditions: { ready: false, serving: false, terminating: false } })]);
  });
});
