import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { encodeForStorage } from '../storage/codec.js';
import { NodeGraph, podReferences, storedPodReferences } from './node-graph.js';

const pod = (name: string, node: string | undefined, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  metadata: { name, namespace: 'default' },
  spec: { ...(node && { nodeName: node }), containers: [{ name: 'c', image: 'busybox:1.36' }], ...spec },
});

describe('podReferences', () => {
  it('finds Secrets, ConfigMaps and claims in volumes, env and envFrom of every container', () => {
    const refs = podReferences(
      pod('p', 'n1', {
        volumes: [{ name: 'a', secret: { secretName: 's1' } }, { name: 'b', configMap: { name: 'c1' } }, { name: 'c', persistentVolumeClaim: { claimName: 'pvc1' } }],
        initContainers: [{ name: 'i', image: 'x', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's2', key: 'k' } } }] }],
        containers: [{ name: 'c', image: 'x', envFrom: [{ configMapRef: { name: 'c2' } }], env: [{ name: 'F', valueFrom: { configMapKeyRef: { name: 'c3', key: 'k' } } }] }],
      }),
    );
    expect([...refs].sort()).toEqual(['configMap/c1', 'configMap/c2', 'configMap/c3', 'persistentVolumeClaim/pvc1', 'secret/s1', 'secret/s2']);
  });
});

describe('storedPodReferences', () => {
  it('decodes from the stored bytes what podReferences reads, and nothing of the containers beyond it', () => {
    const full = pod('p', 'n1', {
      serviceAccountName: 'robot',
      volumes: [
        { name: 'a', secret: { secretName: 's1' } },
        { name: 'b', configMap: { name: 'c1' } },
        { name: 'c', persistentVolumeClaim: { claimName: 'pvc1' } },
        { name: 'd', projected: { sources: [{ secret: { name: 's3' } }, { configMap: { name: 'c4' } }] } },
      ],
      initContainers: [{ name: 'i', image: 'x', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's2', key: 'k' } } }], envFrom: [{ secretRef: { name: 's4' } }] }],
      containers: [{ name: 'c', image: 'x', envFrom: [{ configMapRef: { name: 'c2' } }], env: [{ name: 'F', value: 'plain' }, { name: 'G', valueFrom: { configMapKeyRef: { name: 'c3', key: 'k' } } }] }],
    });
    const view = storedPodReferences(encodeForStorage(resourceByField('pod'), full));
    expect([...podReferences(view)].sort()).toEqual([...podReferences(full)].sort());
    expect(podReferences(full).size).toBe(10);
    expect(view.spec?.containers?.[0]?.image).toBeUndefined();
  });
});

describe('NodeGraph', () => {
  it('gives a node what the pods bound to it use, and follows binding, moves and deletion', () => {
    const graph = new NodeGraph();
    const web = pod('web', undefined, { volumes: [{ name: 'a', secret: { secretName: 's1' } }] });
    graph.apply('ADDED', web);
    expect(graph.reaches('n1', 'secret', 'default', 's1')).toBe(false);
    graph.apply('MODIFIED', { ...web, spec: { ...web.spec, nodeName: 'n1' } });
    expect(graph.reaches('n1', 'secret', 'default', 's1')).toBe(true);
    expect(graph.reaches('n1', 'secret', 'other', 's1')).toBe(false);
    expect(graph.reaches('n2', 'secret', 'default', 's1')).toBe(false);
    expect(graph.nodeOf('default', 'web')).toBe('n1');
    graph.apply('DELETED', { ...web, spec: { ...web.spec, nodeName: 'n1' } });
    expect(graph.reaches('n1', 'secret', 'default', 's1')).toBe(false);
    expect(graph.nodeOf('default', 'web')).toBe('');
  });

  it('binds a pod on its selection view, with the references read once from its first state', () => {
    const graph = new NodeGraph();
    const web = pod('web', undefined, { volumes: [{ name: 'a', secret: { secretName: 's1' } }] });
    let wholeReads = 0;
    const whole = (p: Pod) => () => (wholeReads++, p);
    graph.apply('ADDED', { metadata: web.metadata }, whole(web));
    const bound = { metadata: web.metadata, spec: { nodeName: 'n1' } };
    graph.apply('MODIFIED', bound, whole({ ...web, spec: { ...web.spec, nodeName: 'n1' } }));
    expect(wholeReads).toBe(1);
    expect(graph.reaches('n1', 'secret', 'default', 's1')).toBe(true);
    // The same name made again is another pod, with its own references.
    graph.apply('DELETED', bound);
    const again = pod('web', 'n1', { volumes: [{ name: 'a', secret: { secretName: 's2' } }] });
    graph.apply('ADDED', { metadata: again.metadata, spec: { nodeName: 'n1' } }, whole(again));
    expect(wholeReads).toBe(2);
    expect(graph.reaches('n1', 'secret', 'default', 's1')).toBe(false);
    expect(graph.reaches('n1', 'secret', 'default', 's2')).toBe(true);
  });
});
