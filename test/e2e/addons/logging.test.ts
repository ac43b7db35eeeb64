// `kubets up --addons logging` for real: a line a pod prints is found in the log store
// (systemd-journal-remote's journal files) by pod name, with its namespace, container and node,
// within 10 s of the container writing it; a container of another cluster's node of the same
// name on the same engine is not shipped; the kubelet's container log rotation flags reach the
// engine. Traffic goes only to loopback and the pods this test makes.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../harness/ports.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `log-${SUFFIX}`;
const { dir, dataDir, kubets, ok, holdHostNetwork, tearDownAfterAll } = clusterCli('logging');
const journal = join(dataDir, 'logging', 'journal');

/** What a user runs to search the store: journalctl on its directory, by field. */
function search(...matches: string[]): Record<string, string>[] {
  const out = execFileSync('journalctl', [`--directory=${journal}`, '-o', 'json', '--no-pager', ...matches], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
}

beforeAll(async () => {
  await holdHostNetwork();
  const [port, etcdPort, kubeletPort, loggingPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort(), await freePort()];
  await ok(
    ['up', '--detach', '--node-name', NODE, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort),
      '--addons', 'logging', '--logging-port', String(loggingPort),
      '--kubelet-arg', 'container-log-max-size=64Ki', '--kubelet-arg', 'container-log-max-files=3'],
    180_000,
  );
  // Waiting for another test file's turn on the host network (holdHostNetwork, up to 10 minutes) comes first.
}, 1_000_000);

tearDownAfterAll({ downArgs: ['--node-name', NODE], downTimeoutMs: 120_000 });

describe('kubets up --addons logging', () => {
  it("finds a pod's line in the store by pod name within 10 s, with its namespace, container and node", async () => {
    const marker = `hello-from-${SUFFIX}`;
    const manifest = join(dir, 'pod.yaml');
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'talker', labels: { app: 'talker' } },
        spec: { containers: [{ name: 'say', image: 'kubets/busybox:1.36', command: ['sh', '-c', `sleep 2; echo ${marker}; echo oops >&2; sleep 3600`] }] },
      }),
    );
    await ok(['apply', '-f', manifest]);
    // The moment the engine has the line (what `kubets logs` reads); from then the store has 10 s.
    await pollUntil(async () => (await kubets(['logs', 'talker'])).stdout.includes(marker), { timeoutMs: 180_000, intervalMs: 500, what: 'the line in the container log' });
    const [entry] = await pollUntil(() => {
      const found = search('KUBERNETES_POD_NAME=talker').filter((e) => e.MESSAGE === marker);
      return found.length > 0 && found;
    }, { timeoutMs: 10_000, intervalMs: 250, what: 'the line in the log store' });
    expect(entry).toMatchObject({ KUBERNETES_NAMESPACE: 'default', KUBERNETES_CONTAINER_NAME: 'say', KUBERNETES_NODE_NAME: NODE, STREAM: 'stdout', PRIORITY: '6' });
    const stderr = await pollUntil(() => search('KUBERNETES_POD_NAME=talker', 'STREAM=stderr')[0], { timeoutMs: 10_000, intervalMs: 250, what: 'the stderr line' });
    expect(stderr).toMatchObject({ MESSAGE: 'oops', PRIORITY: '3' });
    // Shipped once: the shipper's relisting does not send a line again.
    expect(search('KUBERNETES_POD_NAME=talker').filter((e) => e.MESSAGE === marker)).toHaveLength(1);
  }, 300_000);

  it("never ships another cluster's container of a node with the same name", async () => {
    // What another cluster's kubelet would leave on this engine: a container of a node named like ours.
    const intruder = `kubets-logging-intruder-${SUFFIX}`;
    execFileSync('docker', ['run', '-d', '--name', intruder, '--label', `io.kubets.node=${NODE}`, '--label', 'io.kubets.cluster=another-cluster',
      '--label', 'io.kubets.pod.name=intruder', '--label', 'io.kubets.pod.namespace=default', '--label', 'io.kubets.container.name=c',
      'kubets/busybox:1.36', 'sh', '-c', `echo intruder-${SUFFIX}; sleep 3600`]);
    try {
      const marker = `own-${SUFFIX}`;
      await ok(['run', 'own', '--image=kubets/busybox:1.36', '--restart=Never', '--command', '--', 'sh', '-c', `echo ${marker}; sleep 3600`]);
      // Once our later pod's line is in, the shipper has listed the intruder many times over.
      await pollUntil(() => search('KUBERNETES_POD_NAME=own').some((e) => e.MESSAGE === marker), { timeoutMs: 180_000, intervalMs: 500, what: "the own pod's line in the store" });
      expect(search('KUBERNETES_POD_NAME=intruder')).toEqual([]);
    } finally {
      execFileSync('docker', ['rm', '-f', intruder]);
    }
  }, 300_000);

  it('creates containers with the rotation the kubelet was given', async () => {
    const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=io.kubets.node=${NODE}`, '--filter', 'label=io.kubets.pod.name=talker'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(ids.length).toBeGreaterThan(0);
    const config = JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .HostConfig.LogConfig}}', ids[0]!], { encoding: 'utf8' })) as { Type: string; Config: Record<string, string> };
    expect(config).toEqual({ Type: 'json-file', Config: { 'max-size': String(64 * 1024), 'max-file': '3' } });
  });

  it('reads every selected pod with kubets logs -l --prefix', async () => {
    const out = await ok(['logs', '-l', 'app=talker', '--all-containers', '--prefix']);
    expect(out).toContain(`[pod/talker/say] hello-from-${SUFFIX}`);
  });
});
