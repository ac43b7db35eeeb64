import { describe, expect, it } from 'vitest';
import { resourceByName } from '../../../lib/api/resources.js';
import { describeObject } from './index.js';
import { describeGeneric, smartLabel, splitCamelCase } from './generic.js';

const now = Date.parse('2024-05-10T12:00:00Z');

describe('smart labels', () => {
  it.each([
    ['creationTimestamp', 'Creation Timestamp'],
    ['apiVersion', 'API Version'],
    ['uid', 'UID'],
    ['leaseDurationSeconds', 'Lease Duration Seconds'],
    ['podCIDRs', 'Pod CID Rs'],
    ['game.properties', 'game.properties'],
  ])('%s → %s', (field, label) => {
    expect(smartLabel(field)).toBe(label);
  });

  it('splits upper-case runs before a lower-case word', () => {
    expect(splitCamelCase('HTTPServer')).toEqual(['HTTP', 'Server']);
  });
});

describe('describeGeneric', () => {
  it('describes a lease field by field with smart labels', () => {
    const lease = {
      metadata: { name: 'kube-controller-manager', namespace: 'kube-system', uid: 'abc', resourceVersion: '123', creationTimestamp: '2024-05-08T10:00:00Z' },
      spec: { holderIdentity: 'node-1_x', leaseDurationSeconds: 15, acquireTime: '2024-05-10T11:00:00Z', renewTime: '2024-05-10T11:59:58Z', leaseTransitions: 2 },
    };
    expect(describeObject(resourceByName('leases')!, lease, { now, events: [] })).toBe(
      [
        'Name:         kube-controller-manager',
        'Namespace:    kube-system',
        'Labels:       <none>',
        'Annotations:  <none>',
        'API Version:  coordination.k8s.io/v1',
        'Kind:         Lease',
        'Metadata:',
        '  Creation Timestamp:  2024-05-08T10:00:00Z',
        '  Resource Version:    123',
        '  UID:                 abc',
        'Spec:',
        '  Acquire Time:            2024-05-10T11:00:00Z',
        '  Holder Identity:         node-1_x',
        '  Lease Duration Seconds:  15',
        '  Lease Transitions:       2',
        '  Renew Time:              2024-05-10T11:59:58Z',
        'Events:                    <none>',
        '',
      ].join('\n'),
    );
  });

  it('prints list items one after another under the list label', () => {
    const ep = { metadata: { name: 'mysql', namespace: 'default' }, subsets: [{ addresses: [{ ip: '172.17.0.2' }], ports: [{ port: 3306, protocol: 'TCP' }] }] };
    // Endpoints have their own describer; the generic one shows how it walks lists.
    expect(describeGeneric(resourceByName('endpoints')!, ep, { now })).toBe(
      [
        'Name:         mysql',
        'Namespace:    default',
        'Labels:       <none>',
        'Annotations:  <none>',
        'API Version:  v1',
        'Kind:         Endpoints',
        'Metadata:',
        'Subsets:',
        '  Addresses:',
        '    Ip:  172.17.0.2',
        '  Ports:',
        '    Port:      3306',
        '    Protocol:  TCP',
        '',
      ].join('\n'),
    );
  });
});
