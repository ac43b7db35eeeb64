import { describe, expect, it } from 'vitest';
import { conflict, uidPreconditionFailed } from '../../../lib/api/errors.js';
import type { ControllerRevision, DaemonSet } from '../../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../../lib/client/testing/fake-api-per-test.js';
import { Informer } from '../../../lib/informer/informer.js';
import { ControllerHistory } from './controller-history.js';
import { computePodTemplateHash } from './template-hash.js';

const ownerKind = { kind: 'DaemonSet', apiVersion: 'apps/v1' };

function owner(image: string, collisionCount?: number): DaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'default', uid: 'uid-1', annotations: { 'kubernetes.io/change-cause': `set ${image}` } },
    spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image }] } } },
    ...(collisionCount === undefined ? {} : { status: { collisionCount } }),
  };
}

describe('ControllerHistory', () => {
  const api = useFakeApiServer();
  const history = () => new ControllerHistory(new Informer(api.client.resource('controllerRevision')), api.client.resource('controllerRevision'), ownerKind);
  const all = async (): Promise<ControllerRevision[]> => (await api.client.resource('controllerRevision').list('default')).items;

  it('numbers each new template, and renumbers an earlier one instead of copying it', async () => {
    const h = history();
    const first = await h.updateRevision(owner('v1'), []);
    const hash = computePodTemplateHash(owner('v1').spec?.template, 0);
    expect(first.collisionCount).toBe(0);
    expect(first.revision).toMatchObject({
      metadata: {
        name: `agent-${hash}`,
        labels: { app: 'agent', 'controller-revision-hash': hash },
        annotations: { 'kubernetes.io/change-cause': 'set v1' },
        ownerReferences: [{ kind: 'DaemonSet', name: 'agent', uid: 'uid-1', controller: true }],
      },
      revision: 1,
    });
    expect((await h.updateRevision(owner('v1'), await all())).revision.metadata?.uid).toBe(first.revision.metadata?.uid);
    const second = await h.updateRevision(owner('v2'), await all());
    expect(second.revision.revision).toBe(2);
    const back = await h.updateRevision(owner('v1'), await all());
    expect(back.revision.metadata?.name).toBe(first.revision.metadata?.name);
    expect(back.revision.revision).toBe(3);
    expect((await all()).map((r) => r.revision).sort()).toEqual([2, 3]);
  });

  it('moves the name on when another template holds it, and reports the collision count', async () => {
    const taken = `agent-${computePodTemplateHash(owner('v1').spec?.template, 0)}`;
    await api.client.resource('controllerRevision').create({ metadata: { name: taken, namespace: 'default' }, data: { spec: { template: owner('other').spec?.template } }, revision: 7 });
    const made = await history().updateRevision(owner('v1'), []);
    expect(made.collisionCount).toBe(1);
    expect(made.revision.metadata?.name).toBe(`agent-${computePodTemplateHash(owner('v1').spec?.template, 1)}`);
  });

  it('truncates the oldest revisions beyond the limit, keeping those in use', async () => {
    const h = history();
    for (const image of ['v1', 'v2', 'v3', 'v4']) await h.updateRevision(owner(image), await all());
    const revisions = (await all()).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    const inUse = new Set([revisions[0]!.metadata!.name!, revisions[3]!.metadata!.name!]);
    await h.truncate(revisions, inUse, 1);
    expect((await all()).map((r) => r.revision).sort()).toEqual([1, 3, 4]);
  });

  it('takes a revision replaced under its name as truncated, but fails on a delete that lost to concurrent writes', async () => {
    const h = history();
    for (const image of ['v1', 'v2']) await h.updateRevision(owner(image), await all());
    const [oldest, newest] = (await all()).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    const keep = new Set([newest!.metadata!.name!]);
    api.fake.failNext('Delete', uidPreconditionFailed('controllerrevisions', oldest!.metadata!.name!, oldest!.metadata!.uid!, 'newer'));
    await h.truncate([oldest!, newest!], keep, 0);
    api.fake.failNext('Delete', conflict('controllerrevisions', oldest!.metadata!.name!, 'too many concurrent changes, try again'));
    await expect(h.truncate([oldest!, newest!], keep, 0)).rejects.toThrow('too many concurrent changes');
  });
});
