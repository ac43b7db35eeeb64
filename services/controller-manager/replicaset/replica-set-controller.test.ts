import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import type { Pod, ReplicaSet, ReplicationController } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { REPLICA_SET_KIND, REPLICATION_CONTROLLER_KIND } from './replica-kind.js';
import { ReplicaSetController } from './replica-set-controller.js';

const ns = 'default';

function mysqlRc(replicas: number): ReplicationController {
  return {
    metadata: { name: 'mysql', namespace: ns },
    spec: {
      replicas,
      selector: { app: 'mysql' },
      template: { metadata: { labels: { app: 'mysql' } }, spec: { containers: [{ name: 'mysql', image: 'mysql:5.7', ports: [{ containerPort: 3306 }] }] } },
    },
  };
}

function readyStatus(since = Date.now()): Pod['status'] {
  return { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(since) }] };
}

describe('ReplicaSetController', () => {
  const env = useControllerTestEnv();

  const pods = async (): Promise<Pod[]> => (await env.client.resource('pod').list(ns)).items;
  const rcStart = () => env.ctx.start(new ReplicaSetController(env.ctx, REPLICATION_CONTROLLER_KIND));

  it('creates the missing pods from the template, owned by the controller, and reports them', async () => {
    await env.client.resource('replicationController').create(mysqlRc(3));
    await rcStart();
    const created = await eventually(async () => ((await pods()).length === 3 ? pods() : undefined));
    const rc = await env.client.resource('replicationController').get(ns, 'mysql');
    for (const p of created) {
      expect(p.metadata?.name).toMatch(/^mysql-[a-z0-9]{5}$/);
      expect(p.metadata?.labels).toEqual({ app: 'mysql' });
      expect(p.metadata?.ownerReferences).toEqual([
        { apiVersion: 'v1', kind: 'ReplicationController', name: 'mysql', uid: rc.metadata?.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(p.spec?.containers?.[0]?.image).toBe('mysql:5.7');
    }
    const status = await eventually(async () => {
      const s = (await env.client.resource('replicationController').get(ns, 'mysql')).status;
      return s?.replicas === 3 ? s : undefined;
    });
    expect(status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
    const messages = await eventually(async () => {
      const events = (await env.client.resource('event').list(ns)).items.filter((e) => e.reason === 'SuccessfulCreate');
      return events.length === 3 ? events.map((e) => e.message) : undefined;
    });
    expect(messages.sort()).toEqual(created.map((p) => `Created pod: ${p.metadata?.name}`).sort());
    expect(env.fake.callCount('Create')).toBeGreaterThanOrEqual(3 + 1 + 3);
  });

  it('deletes extra pods, preferring unscheduled and not-ready ones', async () => {
    await env.client.resource('replicationController').create(mysqlRc(3));
    await rcStart();
    const created = await eventually(async () => ((await pods()).length === 3 ? pods() : undefined));
    const keeper = created[0]!;
    await env.client.resource('pod').patch(ns, keeper.metadata!.name!, { spec: { nodeName: 'n1' } });
    await env.client.resource('pod').patch(ns, keeper.metadata!.name!, { status: readyStatus() }, { status: true });
    await env.client.resource('replicationController').patch(ns, 'mysql', { spec: { replicas: 1 } });
    const left = await eventually(async () => {
      const p = await pods();
      return p.length === 1 ? p : undefined;
    });
    expect(left[0]?.metadata?.name).toBe(keeper.metadata?.name);
    await eventually(async () => (await env.client.resource('replicationController').get(ns, 'mysql')).status?.readyReplicas === 1);
  });

  it('recreates a deleted pod', async () => {
    await env.client.resource('replicationController').create(mysqlRc(1));
    await rcStart();
    const [first] = await eventually(async () => ((await pods()).length === 1 ? pods() : undefined));
    await env.client.resource('pod').delete(ns, first!.metadata!.name!);
    const [second] = await eventually(async () => {
      const p = await pods();
      return p.length === 1 && p[0]?.metadata?.name !== first!.metadata!.name ? p : undefined;
    });
    expect(second?.metadata?.generateName).toBe('mysql-');
  });

  it('adopts a matching orphan instead of creating a pod, and releases a pod whose labels stop matching', async () => {
    await env.client.resource('pod').create({ metadata: { name: 'stray', namespace: ns, labels: { app: 'mysql' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    await env.client.resource('replicationController').create(mysqlRc(2));
    await rcStart();
    const stray = await eventually(async () => {
      const p = await env.client.resource('pod').get(ns, 'stray');
      return p.metadata?.ownerReferences?.length ? p : undefined;
    });
    expect(stray.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicationController', name: 'mysql', controller: true });
    await eventually(async () => (await pods()).length === 2);

    await env.client.resource('pod').patch(ns, 'stray', { metadata: { labels: { app: 'other' } } });
    const released = await eventually(async () => {
      const p = await env.client.resource('pod').get(ns, 'stray');
      return p.metadata?.ownerReferences?.length ? undefined : p;
    });
    expect(released.metadata?.labels).toEqual({ app: 'other' });
    // A replacement keeps two pods under the controller.
    await eventually(async () => (await pods()).filter((p) => p.metadata?.labels?.app === 'mysql').length === 2);
  });

  it('leaves pods controlled by someone else alone', async () => {
    await env.client.resource('pod').create({
      metadata: { name: 'theirs', namespace: ns, labels: { app: 'mysql' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'other', uid: 'u-1', controller: true }] },
      spec: { containers: [{ name: 'c', image: 'x:1' }] },
    });
    await env.client.resource('replicationController').create(mysqlRc(1));
    await rcStart();
    await eventually(async () => (await pods()).length === 2);
    const theirs = await env.client.resource('pod').get(ns, 'theirs');
    expect(theirs.metadata?.ownerReferences?.[0]?.uid).toBe('u-1');
  });

  it('reports refused creates with a FailedCreate event and the ReplicaFailure condition', async () => {
    env.fake.intercept = (method, request) => {
      if (method === 'Create' && (request as { resource?: string }).resource === 'pods') return new ApiError('Forbidden', 'pods "mysql-" is forbidden: exceeded quota');
      return undefined;
    };
    await env.client.resource('replicationController').create(mysqlRc(10));
    await rcStart();
    const rc = await eventually(async () => {
      const r = await env.client.resource('replicationController').get(ns, 'mysql');
      return r.status?.conditions?.length ? r : undefined;
    });
    expect(rc.status?.conditions?.[0]).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "mysql-" is forbidden: exceeded quota' });
    const event = await eventually(async () => (await env.client.resource('event').list(ns)).items.find((e) => e.reason === 'FailedCreate'));
    expect(event.message).toBe('Error creating: pods "mysql-" is forbidden: exceeded quota');
    expect(event.type).toBe('Warning');
  });

  it('counts pods as available only after minReadySeconds (ReplicaSet)', async () => {
    const rs: ReplicaSet = {
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 1,
        minReadySeconds: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      },
    };
    await env.client.resource('replicaSet').create(rs);
    await env.ctx.start(new ReplicaSetController(env.ctx, REPLICA_SET_KIND));
    const [pod] = await eventually(async () => ((await pods()).length === 1 ? pods() : undefined));
    await env.client.resource('pod').patch(ns, pod!.metadata!.name!, { status: readyStatus() }, { status: true });
    const ready = await eventually(async () => {
      const s = (await env.client.resource('replicaSet').get(ns, 'web')).status;
      return s?.readyReplicas === 1 ? s : undefined;
    });
    expect(ready.availableReplicas ?? 0).toBe(0);
    await eventually(async () => (await env.client.resource('replicaSet').get(ns, 'web')).status?.availableReplicas === 1, 20_000);
  });
});
