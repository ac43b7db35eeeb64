import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import { LABEL_NODE, LABEL_POD_NAME } from '../../../services/kubelet/runtime/labels.js';
import { containerStatus, docker, eventually, setUpNode, sh, startKubelet, tearDownNode, type TestNode } from './helpers.js';

// Static pods: a manifest in --pod-manifest-path runs without the apiserver's say, and a mirror pod
// shows it in the API (status, logs, exec); the mirror cannot be deleted away while the file exists.
const NODE = `it-kubelet-static-${randomBytes(3).toString('hex')}`;
const MIRROR = `web-${NODE}`;
let node: TestNode;
let kubelet: Kubelet;

const MANIFEST = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    tier: static
spec:
  containers:
  - name: app
    image: kubets/busybox:1.36
    command: ["sh", "-c", "echo static says hi; exec sleep 3600"]
`;

beforeAll(async () => {
  node = await setUpNode(NODE);
  await mkdir(node.files.manifestDir, { recursive: true });
  await writeFile(join(node.files.manifestDir, 'web.yaml'), MANIFEST);
  await writeFile(join(node.files.manifestDir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {bogus: 1}\n');
  kubelet = await startKubelet(node);
});

afterAll(async () => {
  await kubelet?.stop();
  await tearDownNode(node);
});

async function runningMirror(): Promise<Pod> {
  return eventually('mirror pod running', async () => {
    const pod = await node.client.resource('pod').get('default', MIRROR);
    return pod.status?.phase === 'Running' && containerStatus(pod, 'app')?.state?.running ? pod : undefined;
  });
}

async function staticContainers(): Promise<string[]> {
  const list = await docker.listContainers({ filters: { label: [`${LABEL_NODE}=${NODE}`, `${LABEL_POD_NAME}=${MIRROR}`, 'io.kubets.container.name=app'] } });
  return list.map((c) => c.Id);
}

describe('static pods', () => {
  it('runs a manifest from the directory and mirrors it into the API', async () => {
    const { client } = node;
    const mirror = await runningMirror();
    expect(mirror.metadata?.annotations?.['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
    expect(mirror.metadata?.annotations?.['kubernetes.io/config.source']).toBe('file');
    expect(mirror.metadata?.labels).toEqual({ tier: 'static' });
    expect(mirror.spec?.nodeName).toBe(NODE);
    expect(mirror.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: NODE });
    expect(kubelet.workers.knownPods()).toContain(mirror.metadata?.annotations?.['kubernetes.io/config.mirror']);

    const chunks: Buffer[] = [];
    for await (const chunk of client.logs({ namespace: 'default', name: MIRROR })) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('static says hi\n');
    expect((await sh(client, mirror, 'app', 'hostname')).trim()).toBe(MIRROR);
  });

  it('recreates a deleted mirror pod without touching the running containers', async () => {
    const { client } = node;
    const before = await runningMirror();
    const containers = await staticContainers();
    expect(containers).toHaveLength(1);
    await client.resource('pod').delete('default', MIRROR);
    const after = await eventually('a new mirror pod', async () => {
      const pod = await client.resource('pod').get('default', MIRROR);
      return pod.metadata?.uid !== before.metadata?.uid && !pod.metadata?.deletionTimestamp ? pod : undefined;
    });
    expect(after.metadata?.annotations?.['kubernetes.io/config.mirror']).toBe(before.metadata?.annotations?.['kubernetes.io/config.mirror']);
    await runningMirror();
    expect(await staticContainers()).toEqual(containers);
  });

  it('stops the pod and removes the mirror when the manifest goes away', async () => {
    const { client } = node;
    await runningMirror();
    await rm(join(node.files.manifestDir, 'web.yaml'));
    await eventually('mirror pod gone', async () => {
      const { items } = await client.resource('pod').list('default');
      return !items.some((p) => p.metadata?.name === MIRROR);
    });
    await eventually('static containers gone', async () => (await staticContainers()).length === 0);
  });
});
