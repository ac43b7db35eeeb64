import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { ControllerManager } from '../../../services/controller-manager/controller-manager.js';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import { SchedulerServer } from '../../../services/scheduler/process/scheduler-server.js';
import { BUSYBOX, eventually, podEvents, setUpNode, sh, startKubelet, tearDownNode, waitRunning, type TestNode } from './helpers.js';

// A claim of the default local-path class used by a real pod on real Docker, with the scheduler
// and the volume binder running beside the kubelet: the scheduler picks the node and marks the
// claim, the provisioner makes the volume, the kubelet mounts it. The pod writes, is deleted and
// made again, and finds its data.

const NODE = `it-kubelet-pv-${randomBytes(3).toString('hex')}`;
const NS = 'default';
let node: TestNode;
let kubelet: Kubelet | undefined;
let scheduler: SchedulerServer | undefined;
let controllers: ControllerManager | undefined;

beforeAll(async () => {
  node = await setUpNode(NODE);
  kubelet = await startKubelet(node);
  scheduler = new SchedulerServer({ client: node.cp.client(), leaderElection: false });
  controllers = new ControllerManager({
    client: node.cp.client(),
    leaderElection: false,
    settings: { controllers: ['persistentvolume-binder', 'storage-protection'], localPathDir: join(node.files.dir, 'storage') },
  });
  if (!(await scheduler.start()) || !(await controllers.start())) throw new Error('informers did not sync');
}, 120_000);

afterAll(async () => {
  await scheduler?.stop();
  await controllers?.stop();
  await kubelet?.stop();
  await tearDownNode(node);
}, 120_000);

function writer(name: string, script: string): Pod {
  return {
    metadata: { name, namespace: NS },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', `${script}; sleep 3600`], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    },
  };
}

describe('a pod on a provisioned claim', () => {
  it('writes to the local-path volume, and a new pod on the same claim reads it back', async () => {
    const { client } = node;
    await client.resource('storageClass').create({
      metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kubets.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    await client.resource('persistentVolumeClaim').create({ metadata: { name: 'data', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } });
    await client.resource('pod').create(writer('first', 'echo kept-across-pods > /data/msg'));
    const first = await waitRunning(client, NS, 'first', 90_000);
    expect(first.spec?.nodeName).toBe(NODE);
    expect(await sh(client, first, 'app', 'cat /data/msg')).toBe('kept-across-pods\n');

    const claim = await client.resource('persistentVolumeClaim').get(NS, 'data');
    expect(claim.status?.phase).toBe('Bound');
    const pv = await client.resource('persistentVolume').get('', claim.spec?.volumeName ?? '');
    const dir = pv.spec?.hostPath?.path ?? '';
    expect(dir).toBe(join(node.files.dir, 'storage', NODE, `${pv.metadata?.name ?? ''}_${NS}_data`));
    expect(await readFile(join(dir, 'msg'), 'utf8')).toBe('kept-across-pods\n');

    await client.resource('pod').delete(NS, 'first');
    await eventually('first pod gone', async () => !(await client.resource('pod').list(NS)).items.some((p) => p.metadata?.name === 'first'), 90_000);
    await client.resource('pod').create(writer('second', 'true'));
    const second = await waitRunning(client, NS, 'second', 90_000);
    expect(await sh(client, second, 'app', 'cat /data/msg')).toBe('kept-across-pods\n');
  }, 240_000);

  it('reports FailedMount for a claim that does not exist and keeps retrying', async () => {
    const { client } = node;
    const pod = writer('orphan', 'true');
    pod.spec = { ...pod.spec, nodeName: NODE, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'nowhere' } }] };
    const created = await client.resource('pod').create(pod);
    const events = await eventually('FailedMount event', async () => {
      const list = (await podEvents(client, created)).filter((e) => e.reason === 'FailedMount');
      return list.length > 0 ? list : undefined;
    }, 60_000);
    expect(events[0]?.message).toBe(
      'MountVolume.SetUp failed for volume "data" : error processing PVC default/nowhere: failed to fetch PVC from API server: persistentvolumeclaims "nowhere" not found',
    );
    await client.resource('pod').delete(NS, 'orphan', { gracePeriodSeconds: 0 });
  }, 120_000);
});
