import { describe, expect, it } from 'vitest';
import { conflict, uidPreconditionFailed } from '../../../lib/api/errors.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../../lib/client/testing/fake-api-per-test.js';
import { disruptPod } from './disrupt-pod.js';

const ns = 'default';
const disruption = { reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };

describe('disruptPod', () => {
  const api = useFakeApiServer();
  const create = (): Promise<Pod> => api.client.resource('pod').create({ metadata: { name: 'web', namespace: ns }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });

  it('marks the pod with DisruptionTarget, then deletes it', async () => {
    expect(await disruptPod(api.client, await create(), disruption)).toBe(true);
    expect(api.fake.stored('pod', ns, 'web')).toBeUndefined();
  });

  it('counts a pod replaced under its name as done, but fails on a write that lost to concurrent changes', async () => {
    const pod = await create();
    api.fake.failNext('Patch', uidPreconditionFailed('pods', 'web', pod.metadata?.uid ?? '', 'newer'));
    expect(await disruptPod(api.client, pod, disruption)).toBe(false);
    api.fake.failNext('Delete', conflict('pods', 'web', 'too many concurrent changes, try again'));
    await expect(disruptPod(api.client, pod, disruption)).rejects.toThrow('too many concurrent changes');
    expect(api.fake.stored('pod', ns, 'web')).toBeDefined();
  });
});
