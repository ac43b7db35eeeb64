import { CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually } from './helpers.js';
import { writeKubeconfig } from './rest-helpers.js';

// Kubernetes' JavaScript client against the HTTP API: its generated types and its watch.

describe('@kubernetes/client-node over the HTTP API', () => {
  const f = useControlPlane();
  let kc: KubeConfig;
  let core: CoreV1Api;
  beforeAll(() => {
    kc = new KubeConfig();
    kc.loadFromFile(writeKubeconfig(f.cp, 'client-node'));
    core = kc.makeApiClient(CoreV1Api);
  });

  it('lists, creates, watches (ADDED then MODIFIED), patches and deletes', async () => {
    const listed = await core.listNamespacedService({ namespace: 'default' });
    expect(listed.items.map((s) => s.metadata?.name)).toContain('kubernetes');
    expect(listed.metadata?.resourceVersion).toMatch(/^\d+$/);

    const events: { type: string; name?: string; data?: Record<string, string> }[] = [];
    const watch = await new Watch(kc).watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: listed.metadata?.resourceVersion },
      (type, object: V1ConfigMap) => events.push({ type, name: object.metadata?.name, data: object.data }),
      () => undefined,
    );
    try {
      const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'js' }, data: { a: '1' } } });
      expect(created.metadata?.uid).toBeTruthy();
      expect(created.kind).toBe('ConfigMap');

      const patched = await core.patchNamespacedConfigMap({ namespace: 'default', name: 'js', body: { data: { b: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      expect(patched.data).toEqual({ a: '1', b: '2' });
      await eventually(async () => events.length >= 2, 30_000, 'ADDED and MODIFIED events');
      expect(events.slice(0, 2)).toEqual([
        { type: 'ADDED', name: 'js', data: { a: '1' } },
        { type: 'MODIFIED', name: 'js', data: { a: '1', b: '2' } },
      ]);
    } finally {
      watch.abort();
    }

    const jsonPatched = await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'js', body: [{ op: 'replace', path: '/data/a', value: 'x' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.data).toEqual({ a: 'x', b: '2' });

    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'js' });
    await expect(f.client.resource('configMap').get('default', 'js')).rejects.toSatisfy((err) => isApiError(err, 'NotFound'));
  });

  it('gets the Status of a failure as an ApiException with its code and body', async () => {
    const err = await core.readNamespacedConfigMap({ namespace: 'default', name: 'missing' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 404 });
    const body = JSON.parse((err as { body: string }).body) as Record<string, unknown>;
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', message: 'configmaps "missing" not found', code: 404 });
  });
});
