import { describe, expect, it } from 'vitest';
import { conflict, uidPreconditionFailed } from '../../../lib/api/errors.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../../lib/client/testing/fake-api-per-test.js';
import { selectorFromLabelSelector } from '../../../lib/labels/selector.js';
import { claimObjects } from './controller-ref.js';

const ns = 'default';
const owner = { metadata: { name: 'web', namespace: ns, uid: 'rs-1' } };
const ownerKind = { kind: 'ReplicaSet', apiVersion: 'apps/v1' };

describe('claimObjects', () => {
  const api = useFakeApiServer();

  async function orphan(): Promise<Pod> {
    return api.client.resource('pod').create({ metadata: { name: 'web-a', namespace: ns, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
  }

  const claim = (pods: Pod[]): Promise<Pod[]> =>
    claimObjects(pods, { owner, ownerKind, selector: selectorFromLabelSelector({ matchLabels: { app: 'web' } }), resource: api.client.resource('pod'), readOwner: async () => owner });

  it('adopts a matching orphan', async () => {
    const pod = await orphan();
    expect(await claim([pod])).toEqual([pod]);
    expect(api.fake.stored('pod', ns, 'web-a')?.metadata?.ownerReferences?.[0]).toMatchObject({ uid: 'rs-1', controller: true });
  });

  it('leaves out an orphan replaced under its name, and fails on an adoption that lost to concurrent writes so the sync is retried', async () => {
    const pod = await orphan();
    api.fake.failNext('Patch', uidPreconditionFailed('pods', 'web-a', pod.metadata?.uid ?? '', 'newer'));
    expect(await claim([pod])).toEqual([]);
    api.fake.failNext('Patch', conflict('pods', 'web-a', 'too many concurrent changes, try again'));
    await expect(claim([pod])).rejects.toThrow('too many concurrent changes');
  });
});
