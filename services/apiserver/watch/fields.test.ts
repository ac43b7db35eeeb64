import { describe, expect, it } from 'vitest';
import type { Event, Node, Pod } from '../../../lib/api/generated/index.js';
import { resourceByName, type ResourceInfo } from '../../../lib/api/resources.js';
import { objectFields, validateFieldSelector } from './fields.js';

const info = (name: string): ResourceInfo => resourceByName(name)!;

describe('selectable fields', () => {
  it('reads a pod’s fields as Kubernetes does', () => {
    const pod: Pod = {
      metadata: { name: 'web', namespace: 'prod' },
      spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', hostNetwork: true },
      status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.5' }] },
    };
    expect(objectFields(info('pods'), pod)).toEqual({
      'metadata.name': 'web',
      'metadata.namespace': 'prod',
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': '',
      'spec.hostNetwork': 'true',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.5',
      'status.nominatedNodeName': '',
    });
  });

  it('reads nodes, events and replica counts', () => {
    const node: Node = { metadata: { name: 'n1' } };
    expect(objectFields(info('nodes'), node)).toEqual({ 'metadata.name': 'n1', 'spec.unschedulable': 'false' });
    const event: Event = {
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
      reason: 'Scheduled',
      type: 'Normal',
      reportingComponent: 'kubelet',
    };
    expect(objectFields(info('events'), event)).toMatchObject({
      'involvedObject.kind': 'Pod',
      'involvedObject.name': 'web',
      'involvedObject.uid': 'u1',
      'involvedObject.fieldPath': '',
      reason: 'Scheduled',
      source: 'kubelet',
      type: 'Normal',
    });
    expect(objectFields(info('replicasets'), { metadata: { name: 'r' } })['status.replicas']).toBe('0');
  });

  it('rejects unsupported field labels with Kubernetes’ message', () => {
    expect(() => validateFieldSelector(info('pods'), [{ field: 'spec.nodeName' }, { field: 'status.phase' }])).not.toThrow();
    expect(() => validateFieldSelector(info('pods'), [{ field: 'spec.foo' }])).toThrow('field label not supported: spec.foo');
    expect(() => validateFieldSelector(info('nodes'), [{ field: 'metadata.namespace' }])).toThrow('field label not supported: metadata.namespace');
    expect(() => validateFieldSelector(info('configmaps'), [{ field: 'metadata.namespace' }])).not.toThrow();
  });
});
