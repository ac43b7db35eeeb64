import { describe, expect, it } from 'vitest';
import { containerLabels, dockerContainerName, hashContainer, isOwnedBy, numericLabel, ownerFilters } from './labels.js';

const pod = { uid: 'u1', name: 'web', namespace: 'default' };

describe('container names and labels', () => {
  it('names containers like dockershim', () => {
    expect(dockerContainerName('app', pod, 3)).toBe('k8s_app_web_default_u1_3');
    expect(dockerContainerName('POD', pod, 0)).toBe('k8s_POD_web_default_u1_0');
  });

  it('labels a container with its pod, node, restart count and hash', () => {
    expect(
      containerLabels({ pod, containerName: 'app', owner: { nodeName: 'n1' }, restartCount: 2, hash: 'h', gracePeriodSeconds: 30, type: 'app' }),
    ).toEqual({
      'io.kubets.pod.uid': 'u1',
      'io.kubets.pod.name': 'web',
      'io.kubets.pod.namespace': 'default',
      'io.kubets.container.name': 'app',
      'io.kubets.node': 'n1',
      'io.kubets.container.restartCount': '2',
      'io.kubets.container.hash': 'h',
      'io.kubets.pod.terminationGracePeriod': '30',
      'io.kubets.container.type': 'app',
    });
  });

  it("labels a cluster's containers with its ID, and filters on node and cluster", () => {
    const owner = { nodeName: 'n1', clusterId: 'c0ffee' };
    const labels = containerLabels({ pod, containerName: 'app', owner, restartCount: 0, hash: 'h', gracePeriodSeconds: 30, type: 'app' });
    expect(labels).toMatchObject({ 'io.kubets.node': 'n1', 'io.kubets.cluster': 'c0ffee' });
    expect(ownerFilters(owner, 'io.kubets.pod.uid=u1')).toEqual({ label: ['io.kubets.node=n1', 'io.kubets.cluster=c0ffee', 'io.kubets.pod.uid=u1'] });
    expect(ownerFilters({ nodeName: 'n1' })).toEqual({ label: ['io.kubets.node=n1'] });
  });

  it('owns a container only with the same node name and the same cluster (or none on both)', () => {
    const ofCluster = { 'io.kubets.node': 'n1', 'io.kubets.cluster': 'c0ffee' };
    const unclustered = { 'io.kubets.node': 'n1' };
    expect(isOwnedBy(ofCluster, { nodeName: 'n1', clusterId: 'c0ffee' })).toBe(true);
    expect(isOwnedBy(ofCluster, { nodeName: 'n1', clusterId: 'beef00' })).toBe(false);
    expect(isOwnedBy(ofCluster, { nodeName: 'n1' })).toBe(false);
    expect(isOwnedBy(unclustered, { nodeName: 'n1', clusterId: 'c0ffee' })).toBe(false);
    expect(isOwnedBy(unclustered, { nodeName: 'n1' })).toBe(true);
    expect(isOwnedBy(ofCluster, { nodeName: 'n2', clusterId: 'c0ffee' })).toBe(false);
    expect(isOwnedBy(undefined, { nodeName: 'n1' })).toBe(false);
  });

  it('reads numeric labels defensively', () => {
    expect(numericLabel({ a: '7' }, 'a', 0)).toBe(7);
    expect(numericLabel({ a: 'x' }, 'a', 1)).toBe(1);
    expect(numericLabel(undefined, 'a', 2)).toBe(2);
  });
});

describe('hashContainer', () => {
  it('ignores empty and absent fields and key order', () => {
    const a = hashContainer({ name: 'a', image: 'i', args: [], env: [{ name: 'X', value: '1' }] });
    const b = hashContainer({ env: [{ value: '1', name: 'X' }], image: 'i', name: 'a', command: [], workingDir: '' });
    expect(a).toBe(b);
  });

  it('changes when the spec changes', () => {
    expect(hashContainer({ name: 'a', image: 'i' })).not.toBe(hashContainer({ name: 'a', image: 'j' }));
    expect(hashContainer({ name: 'a', args: ['x', 'y'] })).not.toBe(hashContainer({ name: 'a', args: ['y', 'x'] }));
  });
});
