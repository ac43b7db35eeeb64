import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { removeClusterContainers } from '../../../cli/up/cluster-containers.js';
import { DEFAULT_PAUSE_IMAGE, DockerRuntime } from '../../../services/kubelet/runtime/docker-runtime.js';
import { ContainerNotFoundError } from '../../../services/kubelet/runtime/errors.js';
import { containerLabels, LABEL_NODE, type ContainerOwner } from '../../../services/kubelet/runtime/labels.js';
import { docker } from './helpers.js';

// Real Docker, containers created but never started. Two clusters (and a kubelet of none) name a
// node alike on one engine; every container here carries this test's node name and is removed after.
const NODE = `it-identity-${randomBytes(4).toString('hex')}`;
const UID = `uid-${randomBytes(4).toString('hex')}`;
const owners: Record<'a' | 'b' | 'none', ContainerOwner> = {
  a: { nodeName: NODE, clusterId: randomBytes(3).toString('hex') },
  b: { nodeName: NODE, clusterId: randomBytes(3).toString('hex') },
  none: { nodeName: NODE },
};
const dns = { clusterDNS: ['127.0.0.1'], clusterDomain: 'cluster.local' };
const runtimeOf = (owner: ContainerOwner): DockerRuntime => new DockerRuntime({ ...owner, docker, dns });

/** A pod sandbox of `owner`, all with the same pod uid, so only the cluster label tells them apart. */
async function createSandbox(key: keyof typeof owners): Promise<string> {
  const pod = { uid: UID, name: 'web', namespace: 'default' };
  const labels = containerLabels({ pod, containerName: 'POD', owner: owners[key], restartCount: 0, hash: '', gracePeriodSeconds: 0, type: 'sandbox' });
  const container = await docker.createContainer({ name: `${NODE}-${key}`, Image: DEFAULT_PAUSE_IMAGE, Labels: labels, HostConfig: { NetworkMode: 'none' } });
  return container.id;
}

const ids = async (): Promise<string[]> => (await docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${NODE}`] } })).map((c) => c.Id).sort();

afterAll(async () => {
  await Promise.all((await ids()).map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
});

describe('containers carry their cluster identity', () => {
  it('kubelets of two clusters with the same node name on one engine each see, touch and remove only their own', async () => {
    const a = await createSandbox('a');
    const b = await createSandbox('b');
    const none = await createSandbox('none');
    const sandboxesOf = async (owner: ContainerOwner): Promise<string[]> => (await runtimeOf(owner).listPods()).flatMap((p) => p.containers.map((c) => c.id));
    expect(await sandboxesOf(owners.a)).toEqual([a]);
    expect(await sandboxesOf(owners.b)).toEqual([b]);
    expect(await sandboxesOf(owners.none)).toEqual([none]);
    expect((await runtimeOf(owners.a).getPodStatus({ uid: UID, name: 'web', namespace: 'default' })).sandboxes.map((s) => s.id)).toEqual([a]);

    await expect(runtimeOf(owners.a).logs(b)).rejects.toBeInstanceOf(ContainerNotFoundError);
    await expect(runtimeOf(owners.none).logs(a)).rejects.toBeInstanceOf(ContainerNotFoundError);

    await runtimeOf(owners.a).removePod(UID);
    expect(await ids()).toEqual([b, none].sort());
  });

  it("kubets down's removal takes the cluster's containers only", async () => {
    const a = await createSandbox('a');
    const left = await ids();
    expect(left).toContain(a);
    expect(await removeClusterContainers(docker, owners.a.clusterId!)).toBe(1);
    expect(await ids()).toEqual(left.filter((id) => id !== a));
  });
});
