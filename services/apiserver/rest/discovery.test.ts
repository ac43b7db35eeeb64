import { describe, expect, it } from 'vitest';
import { resources } from '../../../lib/api/resources.js';
import { aggregatedDiscovery, groupDocument, groupList, resourceList } from './discovery.js';

type ResourceList = { groupVersion: string; resources: { name: string; kind: string; namespaced: boolean }[] };
type Aggregated = { items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string }[] }[] }[] };

describe('discovery', () => {
  it('serves every kind of the resource table, in both document shapes', () => {
    const aggregated = [aggregatedDiscovery(true) as Aggregated, aggregatedDiscovery(false) as Aggregated].flatMap((d) => d.items);
    for (const r of resources) {
      const list = resourceList(r.group, r.version) as ResourceList;
      expect(list.groupVersion).toBe(r.apiVersion);
      expect(list.resources).toContainEqual(expect.objectContaining({ name: r.resource, kind: r.kind, namespaced: r.namespaced }));
      const group = aggregated.find((g) => g.metadata.name === r.group)!;
      expect(group.versions.find((v) => v.version === r.version)!.resources).toContainEqual(expect.objectContaining({ resource: r.resource, scope: r.namespaced ? 'Namespaced' : 'Cluster' }));
    }
  });

  it('lists subresources where a kind has them', () => {
    const core = resourceList('', 'v1') as ResourceList;
    const names = core.resources.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods/status', 'replicationcontrollers/scale']));
    expect(names).not.toContain('configmaps/status');
  });

  it('lists the subresources a client only posts to, naming another group where it is one', () => {
    const core = (resourceList('', 'v1') as { resources: object[] }).resources;
    expect(core).toContainEqual({ name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
    expect(core).toContainEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    expect(core).toContainEqual({ name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
    const pods = (aggregatedDiscovery(true) as { items: { versions: { resources: { resource: string; subresources?: { subresource: string; responseKind: object }[] }[] }[] }[] }).items[0]!.versions[0]!.resources.find((r) => r.resource === 'pods')!;
    expect(pods.subresources).toContainEqual({ subresource: 'binding', responseKind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] });
  });

  it('names only the groups it has', () => {
    const groups = (groupList() as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(groups).toContain('apps');
    expect(groups).not.toContain('');
    expect(groupDocument('widgets.example.com')).toBeUndefined();
    expect(resourceList('apps', 'v2')).toBeUndefined();
  });

  it('serves HorizontalPodAutoscalers in autoscaling/v2 and v1, v2 preferred', () => {
    const group = groupDocument('autoscaling') as { versions: { version: string }[]; preferredVersion: { groupVersion: string } };
    expect(group.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
    expect(group.preferredVersion.groupVersion).toBe('autoscaling/v2');
    for (const version of ['v2', 'v1']) {
      expect((resourceList('autoscaling', version) as ResourceList).resources.map((r) => r.name)).toEqual(['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    }
    const aggregated = (aggregatedDiscovery(false) as Aggregated).items.find((g) => g.metadata.name === 'autoscaling')!;
    expect(aggregated.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
  });
});
