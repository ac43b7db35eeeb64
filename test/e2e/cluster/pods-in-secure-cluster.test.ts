// A pod's view of a secure cluster started by `kubets up`, with the kubelet running real pods:
// a pod calls the API through the `kubernetes` Service with its own ServiceAccount token, and a
// NetworkPolicy decides which of the kubelet's pods reach another. Traffic goes only to loopback
// and to the pods this test makes.
import { execFileSync, spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort } from '../../harness/ports.js';
import { clusterCli } from '../cluster-cli.js';

const NODE = `sec-${Math.random().toString(36).slice(2, 7)}`;
const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const TEST_TIMEOUT_MS = 240_000;

const { dataDir, kubets, ok, holdHostNetwork, tearDownAfterAll } = clusterCli('secure');
/** The exit code of `kubets get serviceaccount default` run the moment `kubets up` returned. */
let defaultServiceAccountAfterUp: number | undefined;

const apply = (objects: unknown[]) => ok(['apply', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });

async function runningPod(name: string): Promise<Pod> {
  return pollUntil(
    async () => {
      const pod = JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as Pod;
      return pod.status?.phase === 'Running' && pod.status.podIP ? pod : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 1_000, what: `pod ${name} running` },
  );
}

function busyboxPod(name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'kubets/busybox:1.36', command: ['sleep', '3600'] }], ...extra },
  };
}

/** The process id of a pod's sandbox (pause) container: its network namespace is the pod's. */
function sandboxPid(podName: string): string {
  const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=io.kubets.pod.name=${podName}`, '--filter', `label=io.kubets.node=${NODE}`, '--filter', 'label=io.kubets.container.name=POD'], { encoding: 'utf8' }).trim();
  expect(ids.split('\n')).toHaveLength(1);
  return execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', ids], { encoding: 'utf8' }).trim();
}

// What an in-cluster client does (client-go's rest.InClusterConfig): the Service's name through the
// pod's nameserver, then HTTPS with the mounted CA and token. Run inside the pod's network namespace.
const IN_CLUSTER_CLIENT = `
import { Resolver } from 'node:dns/promises';
import { request } from 'node:https';
const resolver = new Resolver({ timeout: 3000, tries: 2 });
resolver.setServers([process.env.NAMESERVER]);
const [address] = await resolver.resolve4('kubernetes.default.svc.cluster.local');
const get = (path) => new Promise((resolve, reject) => {
  const req = request({ host: address, port: 443, path, servername: 'kubernetes.default.svc', ca: process.env.CA, headers: { Authorization: 'Bearer ' + process.env.TOKEN }, timeout: 5000 }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', reject);
  req.end();
});
const pods = await get('/api/v1/namespaces/default/pods');
const secrets = await get('/api/v1/namespaces/default/secrets');
process.stdout.write(JSON.stringify({ address, pods: { status: pods.status, names: pods.body.items?.map((p) => p.metadata.name) }, secrets: { status: secrets.status, message: secrets.body.message } }));
`;

function runInPodNetwork(pid: string, environment: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', ['-t', pid, '-n', '--', process.execPath, '--input-type=module', '-e', IN_CLUSTER_CLIENT], { env: { ...process.env, ...environment } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`in-pod client exited ${code}: ${err}`));
    });
  });
}

beforeAll(async () => {
  await holdHostNetwork();
  const [port, etcdPort, kubeletPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort()];
  await ok(['up', '--detach', '--node-name', NODE, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort)], { timeoutMs: 180_000 });
  defaultServiceAccountAfterUp = (await kubets(['get', 'serviceaccount', 'default', '-n', 'default'])).code;
}, 1_000_000);

tearDownAfterAll({ downArgs: ['--node-name', NODE], downTimeoutMs: 120_000 });

describe('a pod in a kubets cluster', () => {
  it('can be created as soon as kubets up returns: the default ServiceAccount its admission needs exists', () => {
    expect(defaultServiceAccountAfterUp).toBe(0);
  });

  it('calls the API through the kubernetes Service with its ServiceAccount token, and only as far as its role allows', async () => {
    await apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
      },
      busyboxPod('api-client', { app: 'api-client' }, { serviceAccountName: 'reader' }),
    ]);
    await runningPod('api-client');
    const read = async (file: string) => ok(['exec', 'api-client', '--', 'cat', file]);
    const nameserver = /^nameserver (\S+)$/m.exec(await read('/etc/resolv.conf'))?.[1];
    expect(nameserver).toBeDefined();

    const answer = JSON.parse(await runInPodNetwork(sandboxPid('api-client'), { NAMESERVER: nameserver!, TOKEN: await read(`${MOUNT}/token`), CA: await read(`${MOUNT}/ca.crt`) })) as {
      address: string;
      pods: { status: number; names: string[] };
      secrets: { status: number; message: string };
    };
    const service = JSON.parse(await ok(['get', 'service', 'kubernetes', '-o', 'json'])) as { spec: { clusterIP: string } };
    expect(answer.address).toBe(service.spec.clusterIP);
    expect(answer.pods.status).toBe(200);
    expect(answer.pods.names).toContain('api-client');
    expect(answer.secrets).toEqual({
      status: 403,
      message: 'secrets is forbidden: User "system:serviceaccount:default:reader" cannot list resource "secrets" in API group "" in the namespace "default"',
    });
  }, TEST_TIMEOUT_MS);

  it("follows a NetworkPolicy between the kubelet's pods: only the selected clients reach the server while it exists", async () => {
    await apply([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'server', labels: { app: 'server' } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: 'kubets/hostname:v1', ports: [{ name: 'web', containerPort: 8080 }] }] },
      },
      busyboxPod('allowed', { role: 'client' }),
      busyboxPod('denied', { role: 'other' }),
    ]);
    const server = await runningPod('server');
    await runningPod('allowed');
    await runningPod('denied');
    const reaches = async (client: string) => (await kubets(['exec', client, '--', 'sh', '-c', `echo | nc -w 2 ${server.status!.podIP} 8080`])).stdout.trim() === 'server';
    expect(await reaches('allowed')).toBe(true);
    expect(await reaches('denied')).toBe(true);

    await apply([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'server-from-clients' },
        spec: { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'web' }] }] },
      },
    ]);
    await pollUntil(async () => !(await reaches('denied')), { timeoutMs: 60_000, intervalMs: 1_000, what: 'the policy to isolate the server' });
    expect(await reaches('allowed')).toBe(true);

    // Relabelled into the allowed set, the other pod gets through without the policy changing.
    await ok(['label', 'pod', 'denied', 'role=client', '--overwrite']);
    await pollUntil(() => reaches('denied'), { timeoutMs: 60_000, intervalMs: 1_000, what: 'the relabelled pod to be let in' });

    await ok(['label', 'pod', 'denied', 'role=other', '--overwrite']);
    await pollUntil(async () => !(await reaches('denied')), { timeoutMs: 60_000, intervalMs: 1_000, what: 'the pod to be shut out again' });
    await ok(['delete', 'networkpolicy', 'server-from-clients']);
    await pollUntil(() => reaches('denied'), { timeoutMs: 60_000, intervalMs: 1_000, what: 'the rules to go with the policy' });
  }, TEST_TIMEOUT_MS);
});
