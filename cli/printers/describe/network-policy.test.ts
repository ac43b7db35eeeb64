import { beforeAll, describe, expect, it } from 'vitest';
import { describeNetworkPolicy } from './network-policy.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

describe('describeNetworkPolicy', () => {
  it('prints rules as kubectl does', () => {
    const text = describeNetworkPolicy({
      metadata: { name: 'test-network-policy', namespace: 'default', creationTimestamp: '2024-05-10T14:00:00Z' },
      spec: {
        podSelector: { matchLabels: { role: 'db' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }, { namespaceSelector: { matchLabels: { project: 'myproject' } } }, { podSelector: { matchLabels: { role: 'frontend' } } }],
            ports: [{ protocol: 'TCP', port: { intVal: 6379 } }],
          },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: { intVal: 5978 } }] }, {}],
      },
    });
    expect(text).toBe(
      [
        'Name:         test-network-policy',
        'Namespace:    default',
        'Created on:   2024-05-10 14:00:00 +0000 UTC',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Spec:',
        '  PodSelector:     role=db',
        '  Allowing ingress traffic:',
        '    To Port: 6379/TCP',
        '    From:',
        '      IPBlock:',
        '        CIDR: 172.17.0.0/16',
        '        Except: 172.17.1.0/24',
        '    From:',
        '      NamespaceSelector: project=myproject',
        '    From:',
        '      PodSelector: role=frontend',
        '  Allowing egress traffic:',
        '    To Port: 5978/TCP',
        '    To:',
        '      IPBlock:',
        '        CIDR: 10.0.0.0/24',
        '        Except: ',
        '    ----------',
        '    To Port: <any> (traffic allowed to all ports)',
        '    To: <any> (traffic not restricted by destination)',
        '  Policy Types: Ingress, Egress',
        '',
      ].join('\n'),
    );
  });

  it('says when a policy selects every pod and isolates them', () => {
    const text = describeNetworkPolicy({ metadata: { name: 'deny', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    expect(text).toContain('  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Allowing ingress traffic:\n    <none> (Selected pods are isolated for ingress connectivity)\n  Not affecting egress traffic\n  Policy Types: Ingress\n');
  });
});
