import { describe, expect, it } from 'vitest';
import type { Namespace, NetworkPolicy, Pod } from '../../../lib/api/generated/index.js';
import { isolatedPods, policyRelevantPodState } from './policy-model.js';

const pod = (namespace: string, name: string, ip: string, labels: Record<string, string>, extra: Partial<Pod['spec']> = {}, nodeName = 'n1'): Pod => ({
  metadata: { namespace, name, labels },
  spec: { nodeName, containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }], ...extra },
  status: { phase: 'Running', podIP: ip },
});
const namespace = (name: string, labels: Record<string, string> = {}): Namespace => ({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const policy = (ns: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ metadata: { namespace: ns, name: 'p' }, spec: { policyTypes: ['Ingress'], ...spec } });

const web = pod('prod', 'web', '10.0.0.2', { app: 'web' });
const api = pod('prod', 'api', '10.0.0.3', { app: 'api' });
const remote = pod('prod', 'remote', '10.0.1.2', { app: 'api' }, {}, 'n2');
const tester = pod('dev', 'tester', '10.0.0.9', { app: 'tester' });
const base = { nodeName: 'n1', pods: [web, api, remote, tester], namespaces: [namespace('prod'), namespace('dev', { team: 'qa' })] };

describe('isolatedPods', () => {
  it('isolates nothing without policies, and only the local pods a policy selects', () => {
    expect(isolatedPods({ ...base, policies: [] })).toEqual([]);
    const result = isolatedPods({ ...base, policies: [policy('prod', { podSelector: { matchLabels: { app: 'api' } } })] });
    expect(result).toEqual([{ namespace: 'prod', name: 'api', ip: '10.0.0.3', ingress: [] }]);
  });

  it('resolves pod and namespace selectors to pod addresses on every node', () => {
    const [isolated] = isolatedPods({
      ...base,
      policies: [
        policy('prod', {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }, { namespaceSelector: { matchLabels: { team: 'qa' } } }], ports: [{ protocol: 'TCP', port: { intVal: 80 } }] }],
        }),
      ],
    });
    expect(isolated?.ingress).toEqual([
      {
        peers: [
          { cidr: '10.0.0.3/32', except: [] },
          { cidr: '10.0.0.9/32', except: [] },
          { cidr: '10.0.1.2/32', except: [] },
        ],
        port: { protocol: 'tcp', port: 80 },
      },
    ]);
  });

  it('reads both selectors of one peer together, and an empty rule as "everything"', () => {
    const both = isolatedPods({
      ...base,
      policies: [policy('prod', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'tester' } } }] }] })],
    });
    expect(both.find((p) => p.name === 'web')?.ingress).toEqual([{ peers: [{ cidr: '10.0.0.9/32', except: [] }] }]);
    const open = isolatedPods({ ...base, policies: [policy('prod', { podSelector: {}, ingress: [{}] })] });
    expect(open.find((p) => p.name === 'web')?.ingress).toEqual([{}]);
  });

  it('resolves named ports on the protected pod for ingress and on each peer for egress', () => {
    const ingress = isolatedPods({ ...base, policies: [policy('prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ protocol: 'TCP', port: { strVal: 'http' } }] }] })] });
    expect(ingress[0]?.ingress).toEqual([{ port: { protocol: 'tcp', port: 8080 } }]);
    const egress = isolatedPods({
      ...base,
      policies: [policy('prod', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.1.0/24' } }], ports: [{ protocol: 'TCP', port: { strVal: 'http' } }] }] })],
    });
    expect(egress[0]).toEqual({ namespace: 'prod', name: 'web', ip: '10.0.0.2', egress: [{ peers: [{ cidr: '10.0.1.2/32', except: [] }], port: { protocol: 'tcp', port: 8080 } }] });
  });

  it('keeps ipBlocks with their exceptions and port ranges', () => {
    const [isolated] = isolatedPods({
      ...base,
      policies: [policy('prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }], ports: [{ protocol: 'UDP', port: { intVal: 5000 }, endPort: 5010 }] }] })],
    });
    expect(isolated?.ingress).toEqual([{ peers: [{ cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] }], port: { protocol: 'udp', port: 5000, endPort: 5010 } }]);
  });

  it('allows nothing through a selector that selects no pod', () => {
    const [isolated] = isolatedPods({ ...base, policies: [policy('prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }] })] });
    expect(isolated?.ingress).toEqual([]);
  });

  it('leaves out host-network and finished pods', () => {
    const host = pod('prod', 'host', '192.168.1.5', { app: 'web' }, { hostNetwork: true });
    const done: Pod = { ...pod('prod', 'done', '10.0.0.7', { app: 'web' }), status: { phase: 'Succeeded', podIP: '10.0.0.7' } };
    expect(isolatedPods({ ...base, pods: [host, done], policies: [policy('prod', { podSelector: {} })] })).toEqual([]);
  });

  it('changes its sync key only for what the rules read', () => {
    const moved = { ...web, status: { ...web.status, conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(policyRelevantPodState(moved)).toBe(policyRelevantPodState(web));
    expect(policyRelevantPodState({ ...web, metadata: { ...web.metadata, labels: { app: 'other' } } })).not.toBe(policyRelevantPodState(web));
  });
});
