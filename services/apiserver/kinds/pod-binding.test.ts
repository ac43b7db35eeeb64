import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import { lookupMessage } from '../../../lib/api/proto.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { resourceByField, type AnyObject } from '../../../lib/api/resources.js';
import { decodeFromStorage, encodeForStorage } from '../storage/codec.js';
import { join, lengthDelimited, wireFields } from '../storage/wire-fields.js';
import { bindStoredPod } from './pod-binding.js';

const pods = resourceByField('pod');
const NOW = '2026-12-06T21:00:00Z';

/** A pod with something in every part a binding copies, and fields on both sides of the ones it sets. */
function richPod(): Pod {
  return {
    metadata: {
      name: 'web-1',
      namespace: 'default',
      uid: 'uid-1',
      labels: { app: 'web', tier: 'front' },
      annotations: { note: 'kept' },
      creationTimestamp: '2026-12-06T20:59:00Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-12-06T20:59:00Z', fieldsType: 'FieldsV1', fieldsV1: { raw: '{"f:spec":{}}' } }],
    },
    spec: {
      volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu: '100m' } }, env: [{ name: 'A', value: 'b' }] }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      nodeSelector: { disk: 'ssd' },
      serviceAccountName: 'default',
      schedulerName: 'default-scheduler',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      priority: 0,
      enableServiceLinks: true,
    },
    status: {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available', lastTransitionTime: '2026-12-06T20:59:30Z' },
        { type: 'Custom', status: 'True' },
      ],
      qosClass: 'Burstable',
    },
  };
}

/** What binding did on the decoded pod before it was made on the bytes: the reference the bytes must match. */
function boundByDecoding(pod: Pod, node: string): Pod {
  const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: NOW });
  return { ...pod, spec: { ...pod.spec, nodeName: node }, status: { ...pod.status, conditions } };
}

const decoded = (bytes: Buffer): Pod => {
  const pod = decodeFromStorage(pods, { key: '/registry/pods/default/web-1', value: bytes, modRevision: 7, createRevision: 7, version: 1 }) as Pod;
  return { ...pod, metadata: { ...pod.metadata, resourceVersion: undefined } };
};
const stored = (pod: Pod): Buffer => encodeForStorage(pods, pod as AnyObject);
const bind = (pod: Pod | Buffer, node = 'n1', uid?: string): Buffer => bindStoredPod(Buffer.isBuffer(pod) ? pod : stored(pod), { name: 'web-1', node, uid }, NOW);

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('the binding was not refused');
}

describe('bindStoredPod', () => {
  it('gives the very bytes an encode of the pod bound after decoding gives', () => {
    const bytes = bind(richPod());
    expect(bytes).toEqual(stored(boundByDecoding(richPod(), 'n1')));
    expect(decoded(bytes)).toEqual(boundByDecoding(decoded(stored(richPod())), 'n1'));
  });

  it('adds the condition to a pod without status or conditions, and replaces an empty nodeName', () => {
    const bare: Pod = { metadata: { name: 'web-1', namespace: 'default' }, spec: { nodeName: '', containers: [{ name: 'c', image: 'busybox:1' }] } };
    expect(bind(bare)).toEqual(stored(boundByDecoding(bare, 'n1')));
    const noConditions: Pod = { ...bare, status: { phase: 'Pending', qosClass: 'BestEffort' } };
    expect(bind(noConditions)).toEqual(stored(boundByDecoding(noConditions, 'n1')));
  });

  it('reads a pod whose spec is written in two parts as protobuf does, as their merge', () => {
    const pod = richPod();
    const { nodeSelector, tolerations, ...first } = pod.spec!;
    const whole = stored({ ...pod, spec: first });
    const [envelope] = wireFields(whole);
    const second = Buffer.from(lookupMessage('PodSpec').encode({ nodeSelector, tolerations }).finish());
    const split = join(lengthDelimited(envelope!.id, [whole.subarray(envelope!.valueStart), ...lengthDelimited(lookupMessage('Pod').fields.spec!.id, [second])]));
    expect(decoded(bind(split))).toEqual(boundByDecoding(decoded(stored(pod)), 'n1'));
  });

  it('refuses a pod already assigned, with Kubernetes wording', () => {
    const err = refusal(() => bind(boundByDecoding(richPod(), 'n1'), 'n2'));
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Operation cannot be fulfilled on pods/binding "web-1": pod web-1 is already assigned to node "n1"');
  });

  it('refuses a pod being deleted', () => {
    const deleting = { ...richPod(), metadata: { ...richPod().metadata, deletionTimestamp: NOW, deletionGracePeriodSeconds: 30 } };
    expect(refusal(() => bind(deleting)).message).toBe('Operation cannot be fulfilled on pods/binding "web-1": pod is being deleted, cannot be assigned to a host');
  });

  it('checks the uid precondition', () => {
    expect(refusal(() => bind(richPod(), 'n1', 'other')).message).toBe('Operation cannot be fulfilled on pods "web-1": Precondition failed: UID in precondition: other, UID in object meta: uid-1');
    expect(decoded(bind(richPod(), 'n1', 'uid-1')).spec?.nodeName).toBe('n1');
  });

  it('refuses bytes that do not hold one pod', () => {
    expect(() => bindStoredPod(encodeForStorage(resourceByField('configMap'), { metadata: { name: 'c' } }), { name: 'c', node: 'n1' }, NOW)).toThrow('stored value is not one Pod');
  });
});
