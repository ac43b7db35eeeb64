import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_NODE, LABEL_POD_UID } from '../../../services/kubelet/runtime/labels.js';
import {
  BUSYBOX,
  containerStatus,
  docker,
  eventually,
  makePod,
  sh,
  spawnKubelet,
  tearDownNode,
  waitRunning,
  setUpNode,
  type KubeletProcess,
  type TestNode,
} from './helpers.js';

// `kubets kubelet` as its own process, SIGKILLed and started again: the new process adopts the
// containers of pods that still exist and cleans up after pods that went away meanwhile.
const NODE = `it-kubelet-restart-${randomBytes(3).toString('hex')}`;
let node: TestNode;
let kubelet: KubeletProcess | undefined;

async function startProcess(port?: number): Promise<KubeletProcess> {
  const proc = await spawnKubelet(node, port);
  try {
    await eventually(
      'kubelet process started',
      () => {
        if (proc.child.exitCode !== null) throw new Error(`kubelet exited: ${proc.output()}`);
        return proc.output().includes('"msg":"kubelet started"');
      },
      60_000,
    );
  } catch (err) {
    await proc.kill();
    throw err;
  }
  return proc;
}

async function podContainers(uid: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${NODE}`, `${LABEL_POD_UID}=${uid}`] } });
  return list.map((c) => c.Id).sort();
}

beforeAll(async () => {
  node = await setUpNode(NODE);
  kubelet = await startProcess();
}, 120_000);

afterAll(async () => {
  await kubelet?.stop();
  await tearDownNode(node);
});

describe('a kubelet process that is killed and started again', () => {
  it('adopts running containers (same ids, same restart counts) and finishes what changed while it was down', async () => {
    const { client } = node;
    const pods = client.resource('pod');
    // "flaky" fails once, so its restart count is 1 before the kill.
    const survivor = await pods.create(
      makePod('survivor', NODE, {
        volumes: [{ name: 'state', emptyDir: {} }],
        containers: [
          { name: 'app', image: BUSYBOX, command: ['sleep', '3600'] },
          {
            name: 'flaky',
            image: BUSYBOX,
            command: ['sh', '-c', 'if [ ! -f /state/once ]; then touch /state/once; exit 1; fi; exec sleep 3600'],
            volumeMounts: [{ name: 'state', mountPath: '/state' }],
          },
        ],
      }),
    );
    const doomed = await pods.create(makePod('doomed', NODE, { containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }] }));
    const orphan = await pods.create(makePod('orphan', NODE, { containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }] }));
    const before = await eventually('survivor running after one restart', async () => {
      const p = await pods.get('default', 'survivor');
      return p.status?.phase === 'Running' && containerStatus(p, 'flaky')?.restartCount === 1 && containerStatus(p, 'flaky')?.state?.running ? p : undefined;
    });
    await waitRunning(client, 'default', 'doomed');
    await waitRunning(client, 'default', 'orphan');
    const containersBefore = await podContainers(survivor.metadata?.uid ?? '');

    const port = kubelet?.port;
    await kubelet?.kill();
    kubelet = undefined;
    // While no kubelet runs: a graceful delete waits for the kubelet, a forced one removes the object at once.
    await pods.delete('default', 'doomed');
    expect((await pods.get('default', 'doomed')).metadata?.deletionTimestamp).toBeTruthy();
    await pods.delete('default', 'orphan', { gracePeriodSeconds: 0 });
    await pods.create(makePod('newcomer', NODE, { containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }] }));

    kubelet = await startProcess(port);

    await waitRunning(client, 'default', 'newcomer');
    await eventually('doomed gone from the API', async () => {
      const { items } = await pods.list('default');
      return !items.some((p) => p.metadata?.name === 'doomed');
    });
    expect(await podContainers(doomed.metadata?.uid ?? '')).toEqual([]);
    await eventually('orphan containers removed', async () => (await podContainers(orphan.metadata?.uid ?? '')).length === 0);

    const after = await pods.get('default', 'survivor');
    for (const name of ['app', 'flaky']) {
      expect(containerStatus(after, name)?.containerID).toBe(containerStatus(before, name)?.containerID);
      expect(containerStatus(after, name)?.restartCount).toBe(containerStatus(before, name)?.restartCount);
      expect(containerStatus(after, name)?.state?.running?.startedAt).toBe(containerStatus(before, name)?.state?.running?.startedAt);
    }
    expect(await podContainers(survivor.metadata?.uid ?? '')).toEqual(containersBefore);
    expect(after.status?.podIP).toBe(before.status?.podIP);
    // The new process serves exec for the adopted containers.
    expect((await sh(client, after, 'flaky', 'ls /state')).trim()).toBe('once');
  });
});
