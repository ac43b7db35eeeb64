import { describe, expect, it } from 'vitest';
import { decodeManifest, toKubeJSON } from '../../../lib/api/json.js';
import { resourceByField } from '../../../lib/api/resources.js';
import type * as t from '../../../lib/api/generated/index.js';
import { walkthroughMysqlRc, STORED_MYSQL_RC_SPEC } from '../../fixtures/walkthrough/mysql-rc.js';
import { useControlPlane } from '../../harness/use-control-plane.js';

// Issue 3, "Must show": the walkthrough's mysql RC, created and read back as JSON, is field-for-field the
// Kubernetes v1 JSON a kubectl user sees (`kubectl get rc mysql -o json`), and replicas: 0 survives.

const cluster = useControlPlane();
const rcInfo = resourceByField('replicationController');

describe('the walkthrough mysql ReplicationController', () => {
  it('reads back as the Kubernetes v1 JSON', async () => {
    const { info, object } = decodeManifest(walkthroughMysqlRc());
    expect(info).toBe(rcInfo);
    const created = await cluster.client.resource('replicationController').create(object as t.ReplicationController, { namespace: 'default' });
    const stored = await cluster.client.resource('replicationController').get('default', 'mysql');
    expect(stored.metadata?.managedFields?.map((e) => e.manager)).toHaveLength(1);
    // kubectl leaves managedFields out of -o json unless --show-managed-fields.
    const json = toKubeJSON(rcInfo, { ...stored, metadata: { ...stored.metadata, managedFields: undefined } });

    expect(Object.keys(json)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(json).toEqual({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: {
        name: 'mysql',
        namespace: 'default',
        uid: created.metadata?.uid,
        resourceVersion: created.metadata?.resourceVersion,
        generation: 1,
        creationTimestamp: created.metadata?.creationTimestamp,
        labels: { app: 'mysql' },
      },
      spec: STORED_MYSQL_RC_SPEC,
      status: { replicas: 0 },
    });
    const meta = json.metadata as Record<string, unknown>;
    expect(meta.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(meta.resourceVersion).toMatch(/^[1-9]\d*$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(meta.creationTimestamp as string) - Date.now())).toBeLessThan(60_000);
  });

  it('round-trips through JSON unchanged', async () => {
    const stored = await cluster.client.resource('replicationController').get('default', 'mysql');
    const json = toKubeJSON(rcInfo, stored);
    const again = decodeManifest(JSON.parse(JSON.stringify(json)));
    expect(toKubeJSON(rcInfo, again.object)).toEqual(json);
  });
});

describe('replicas: 0', () => {
  const rc = (name: string, replicas?: number): t.ReplicationController => ({
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
  });

  it('survives create and read', async () => {
    await cluster.client.resource('replicationController').create(rc('zero', 0));
    const got = await cluster.client.resource('replicationController').get('default', 'zero');
    expect(got.spec?.replicas).toBe(0);
    expect((toKubeJSON(rcInfo, got).spec as Record<string, unknown>).replicas).toBe(0);
  });

  it('is 1 when left out, and a patch or scale to 0 sticks', async () => {
    const created = await cluster.client.resource('replicationController').create(rc('scaled'));
    expect(created.spec?.replicas).toBe(1);
    const patched = await cluster.client.resource('replicationController').patch('default', 'scaled', { spec: { replicas: 0 } });
    expect(patched.spec?.replicas).toBe(0);
    await cluster.client.resource('replicationController').patch('default', 'scaled', { spec: { replicas: 2 } });
    const scale = await cluster.client.updateScale('replicationController', 'default', { metadata: { name: 'scaled' }, spec: { replicas: 0 } });
    expect(scale.spec?.replicas).toBe(0);
    expect((await cluster.client.resource('replicationController').get('default', 'scaled')).spec?.replicas).toBe(0);
    expect((await cluster.client.getScale('replicationController', 'default', 'scaled')).status?.selector).toBe('app=scaled');
  });

  it('survives a JSON manifest with replicas 0', async () => {
    const { object } = decodeManifest({ ...toKubeJSON(rcInfo, rc('json-zero', 0)) });
    await cluster.client.resource('replicationController').create(object as t.ReplicationController);
    const got = await cluster.client.resource('replicationController').get('default', 'json-zero');
    expect(toKubeJSON(rcInfo, got)).toMatchObject({ spec: { replicas: 0 } });
  });
});
