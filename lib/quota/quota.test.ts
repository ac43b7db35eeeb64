import { describe, expect, it } from 'vitest';
import type { Pod, ResourceQuota } from '../api/generated/index.js';
import { resourceByField, type AnyObject } from '../api/resources.js';
import { addLists, exceededNames, formatList, maxLists, sameLists, subtractLists } from './resource-list.js';
import { scopesSelect } from './scopes.js';
import { kindCounts, unstatedCompute, usageOf } from './usage.js';

const pods = resourceByField('pod');
const services = resourceByField('service');
const deployments = resourceByField('deployment');

function pod(containers: { requests?: Record<string, string>; limits?: Record<string, string> }[], extra: Partial<Pod> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', ...extra.metadata },
    spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, image: 'busybox', resources })), ...extra.spec },
    status: extra.status,
  };
}

describe('resource lists', () => {
  it('add, subtract and take the larger exactly, in canonical form', () => {
    expect(addLists({ cpu: '500m', memory: '1Gi' }, { cpu: '1500m', pods: '1' })).toEqual({ cpu: '2', memory: '1Gi', pods: '1' });
    expect(subtractLists({ cpu: '2' }, { cpu: '500m' })).toEqual({ cpu: '1500m' });
    expect(maxLists({ cpu: '1' }, { cpu: '2', memory: '1Gi' })).toEqual({ cpu: '2', memory: '1Gi' });
  });

  it('finds what is over its limit, ignoring unlimited names, and prints like Kubernetes', () => {
    expect(exceededNames({ 'requests.cpu': '2500m', pods: '3', secrets: '100' }, { 'requests.cpu': '2', pods: '3' })).toEqual(['requests.cpu']);
    expect(formatList({ 'requests.memory': '1Gi', 'requests.cpu': '500m' })).toBe('requests.cpu=500m,requests.memory=1Gi');
    expect(sameLists({ cpu: '1000m' }, { cpu: '1' })).toBe(true);
    expect(sameLists({ cpu: '1' }, { cpu: '1', pods: '0' })).toBe(false);
  });
});

describe('usage', () => {
  it('of a pod: counts, requests under their plain and requests.* names, limits under limits.*', () => {
    const usage = usageOf(pods, pod([{ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m' } }, { requests: { cpu: '250m' } }]));
    expect(usage).toEqual({ 'count/pods': '1', pods: '1', cpu: '500m', 'requests.cpu': '500m', memory: '64Mi', 'requests.memory': '64Mi', 'limits.cpu': '500m' });
  });

  it('of a pod: the largest init container counts when it asks for more than the app containers', () => {
    const p = pod([{ requests: { cpu: '100m' } }]);
    p.spec!.initContainers = [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '1' } } }];
    expect(usageOf(pods, p)['requests.cpu']).toBe('1');
  });

  it('of a finished pod, or one past its deletion grace period: only count/pods', () => {
    expect(usageOf(pods, pod([{ requests: { cpu: '1' } }], { status: { phase: 'Succeeded' } }))).toEqual({ 'count/pods': '1' });
    const deleted = pod([{ requests: { cpu: '1' } }], { metadata: { deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 } });
    expect(usageOf(pods, deleted, Date.parse('2024-01-01T00:00:10Z')).pods).toBe('1');
    expect(usageOf(pods, deleted, Date.parse('2024-01-01T00:01:00Z')).pods).toBeUndefined();
  });

  it('of a service: node ports and load balancers', () => {
    const svc = { metadata: { name: 's' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }, { port: 443 }] } };
    expect(usageOf(services, svc)).toEqual({ 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '2' });
  });

  it('of any other kind: count/<resource>.<group>', () => {
    expect(usageOf(deployments, { metadata: { name: 'd' } } as AnyObject)).toEqual({ 'count/deployments.apps': '1' });
    expect(usageOf(resourceByField('job'), { metadata: { name: 'pi' } } as AnyObject)).toEqual({ 'count/jobs.batch': '1' });
    expect(kindCounts(deployments, 'count/deployments.apps')).toBe(true);
    expect(kindCounts(deployments, 'pods')).toBe(false);
    expect(kindCounts(pods, 'requests.cpu')).toBe(true);
    expect(kindCounts(services, 'requests.cpu')).toBe(false);
  });
});

describe('scopes', () => {
  const quota = (scopes: string[]): ResourceQuota => ({ metadata: { name: 'q' }, spec: { hard: { pods: '1' }, scopes } });

  it.each<[string[], Pod, boolean]>([
    [[], pod([]), true],
    [['BestEffort'], pod([{}]), true],
    [['BestEffort'], pod([{ requests: { cpu: '1' } }]), false],
    [['NotBestEffort'], pod([{ requests: { cpu: '1' } }]), true],
    [['Terminating'], pod([{}], { spec: { activeDeadlineSeconds: 60 } }), true],
    [['NotTerminating'], pod([{}], { spec: { activeDeadlineSeconds: 60 } }), false],
    [['NotTerminating', 'BestEffort'], pod([{}]), true],
  ])('%j selects the pod: %#', (scopes, p, selected) => {
    expect(scopesSelect(quota(scopes), pods, p)).toBe(selected);
  });

  it('a scoped quota never selects other kinds', () => {
    expect(scopesSelect(quota(['NotTerminating']), services, { metadata: { name: 's' } })).toBe(false);
  });

  it('priority class selectors', () => {
    const q: ResourceQuota = { spec: { hard: { pods: '1' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } } };
    expect(scopesSelect(q, pods, pod([], { spec: { priorityClassName: 'high' } }))).toBe(true);
    expect(scopesSelect(q, pods, pod([], { spec: { priorityClassName: 'low' } }))).toBe(false);
  });
});

describe('unstatedCompute', () => {
  it('names, per tracked compute resource, the containers that do not state it', () => {
    const p = pod([{ requests: { cpu: '1' } }, {}]);
    expect(unstatedCompute(pods, ['requests.cpu', 'limits.memory', 'pods'], p)).toBe('limits.memory for: c0,c1; requests.cpu for: c1');
    expect(unstatedCompute(pods, ['pods'], p)).toBeUndefined();
    expect(unstatedCompute(services, ['requests.cpu'], { metadata: { name: 's' } })).toBeUndefined();
  });
});
