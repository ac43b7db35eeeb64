// The real kubectl 1.32 against a whole kubets cluster (`kubets up` on its own data dir and free
// ports, never the default ones): port-forward to a pod serving HTTP, exec -it under a
// pseudo-terminal (util-linux `script`), rollout status/history/undo of a Deployment, autoscale and
// a generator (which kubectl sends in Kubernetes' protobuf), create --validate=strict, apply
// --server-side with a conflict between field managers, and drain through pods/eviction. Traffic
// goes to loopback and to the pods this test makes only.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../lib/api/generated/index.js';
import { pollUntil } from '../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../harness/ports.js';
import { KUBECTL, requireKubectl } from '../integration/apiserver/rest-helpers.js';
import { clusterCli } from './cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `kc-${SUFFIX}`;
const { dir, dataDir, ok, holdHostNetwork, tearDownAfterAll } = clusterCli('kubectl');
// `kubets up` writes the kubeconfig into the user's home, which is this test's folder.
const kubeconfig = join(dir, '.kubets', 'kubeconfig');
const kubectlEnv = { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig };
const execFileAsync = promisify(execFile);
const TEST_TIMEOUT_MS = 300_000;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function kubectl(args: string[], input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['--cache-dir', join(dir, 'kube-cache'), ...args], { env: kubectlEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A kubectl that fails before reading its input closes the pipe; its exit code and stderr tell what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const webPod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: web
    image: kubets/busybox:1.36
    command: [sh, -c, 'mkdir -p /www && echo hello from the pod > /www/index.html && exec httpd -f -p 8080 -h /www']
    ports: [{containerPort: 8080}]
`;

const deployment = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: roll
spec:
  replicas: 1
  selector: {matchLabels: {app: roll}}
  template:
    metadata: {labels: {app: roll}}
    spec:
      containers:
      - name: c
        image: ${image}
        command: [sh, -c, 'exec sleep 3600']
        resources: {requests: {cpu: 10m}}
`;

// The setup's time includes up to 600 s waiting for the host network, which other suites running a cluster hold.
beforeAll(async () => {
  requireKubectl();
  await holdHostNetwork();
  const [port, etcdPort, kubeletPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort()];
  await ok(['up', '--detach', '--node-name', NODE, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort)], 180_000);
  await pollUntil(
    async () => {
      const nodes = JSON.parse(await kubectlOk(['get', 'nodes', '-o', 'json'])) as { items: Node[] };
      return nodes.items.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    },
    { timeoutMs: 120_000, intervalMs: 1_000, what: 'a Ready node' },
  );
  await kubectlOk(['create', '-f', '-'], webPod);
  await kubectlOk(['wait', '--for=condition=Ready', 'pod/web', '--timeout=120s']);
}, 1_000_000);

tearDownAfterAll({ downArgs: ['--node-name', NODE], downTimeoutMs: 120_000 });

describe('kubectl 1.32 against a kubets cluster', () => {
  it('port-forwards a local port to the pod, reached on loopback', async () => {
    const local = await freePort();
    const child: ChildProcess = spawn(KUBECTL, ['port-forward', 'pod/web', `${local}:8080`, '--address=127.0.0.1'], { env: kubectlEnv });
    try {
      await pollUntil(() => accepting(local), { timeoutMs: 60_000, intervalMs: 200, what: 'kubectl listening' });
      expect(await httpGet(local, '/')).toBe('hello from the pod\n');
      expect(await httpGet(local, '/')).toBe('hello from the pod\n');
    } finally {
      child.kill();
    }
  }, TEST_TIMEOUT_MS);

  it('exec -it runs the command on a terminal', async () => {
    writeFileSync(join(dir, 'exec.sh'), `exec ${KUBECTL} exec -it web -- sh -c 'tty; echo $((6 * 7))'\n`);
    const { stdout } = await execFileAsync('script', ['-qec', `sh ${join(dir, 'exec.sh')}`, '/dev/null'], { env: kubectlEnv, timeout: 60_000 });
    expect(stdout).toMatch(/\/dev\/pts\/\d+\r\n42\r\n/);
  }, TEST_TIMEOUT_MS);

  it('rolls a Deployment out, shows its history and undoes the last change', async () => {
    expect(await kubectlOk(['apply', '-f', '-'], deployment('kubets/busybox:1.36'))).toBe('deployment.apps/roll created\n');
    expect(await kubectlOk(['rollout', 'status', 'deployment/roll', '--timeout=120s'])).toMatch(/deployment "roll" successfully rolled out\n$/);
    expect(await kubectlOk(['set', 'image', 'deployment/roll', 'c=kubets/hostname:v1'])).toBe('deployment.apps/roll image updated\n');
    expect(await kubectlOk(['rollout', 'status', 'deployment/roll', '--timeout=120s'])).toMatch(/deployment "roll" successfully rolled out\n$/);
    const history = await kubectlOk(['rollout', 'history', 'deployment/roll']);
    expect(history).toMatch(/^deployment\.apps\/roll \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    expect(await kubectlOk(['rollout', 'undo', 'deployment/roll'])).toBe('deployment.apps/roll rolled back\n');
    await kubectlOk(['rollout', 'status', 'deployment/roll', '--timeout=120s']);
    expect(await kubectlOk(['get', 'deployment', 'roll', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('kubets/busybox:1.36');
  }, TEST_TIMEOUT_MS);

  it('creates an HPA with autoscale (sent in protobuf) and a ConfigMap with a generator; apply of another HPA from YAML', async () => {
    expect(await kubectlOk(['autoscale', 'deployment', 'roll', '--min=1', '--max=3', '--cpu-percent=50'])).toBe('horizontalpodautoscaler.autoscaling/roll autoscaled\n');
    expect(await kubectlOk(['get', 'hpa', 'roll', '-o', 'jsonpath={.spec.minReplicas}/{.spec.maxReplicas}'])).toBe('1/3');
    expect(await kubectlOk(['create', 'configmap', 'generated', '--from-literal=greeting=hello'])).toBe('configmap/generated created\n');
    expect(await kubectlOk(['get', 'configmap', 'generated', '-o', 'jsonpath={.data.greeting}'])).toBe('hello');
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: from-yaml}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: roll}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`;
    expect(await kubectlOk(['apply', '-f', '-'], hpa)).toBe('horizontalpodautoscaler.autoscaling/from-yaml created\n');
  }, TEST_TIMEOUT_MS);

  it('create --validate=strict refuses an unknown field', async () => {
    const r = await kubectl(['create', '--validate=strict', '-f', '-'], webPod.replace('name: web\n  labels', 'name: strict\n  bogus: 1\n  labels'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.bogus"\n');
  }, TEST_TIMEOUT_MS);

  it('apply --server-side: a conflict between two field managers, then --force-conflicts', async () => {
    const config = (color: string, size: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {color: ${color}, size: ${size}}\n`;
    expect(await kubectlOk(['apply', '--server-side', '--field-manager=first', '-f', '-'], config('red', 'small'))).toBe('configmap/ssa serverside-applied\n');
    const refused = await kubectl(['apply', '--server-side', '--field-manager=second', '-f', '-'], config('blue', 'large'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Apply failed with 2 conflicts: conflicts with "first":\n- \.data\.color\n- \.data\.size\nPlease review the fields above--they currently have other managers\./);
    // The same value for a field another manager owns is no conflict (the two share it), as in Kubernetes.
    const one = await kubectl(['apply', '--server-side', '--field-manager=second', '-f', '-'], config('blue', 'small'));
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "first": \.data\.color\n/);
    expect(await kubectlOk(['apply', '--server-side', '--field-manager=second', '--force-conflicts', '-f', '-'], config('blue', 'large'))).toBe('configmap/ssa serverside-applied\n');
    const applied = JSON.parse(await kubectlOk(['get', 'configmap', 'ssa', '-o', 'json', '--show-managed-fields'])) as { data: Record<string, string>; metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(applied.data).toEqual({ color: 'blue', size: 'large' });
    expect(applied.metadata.managedFields.map((e) => `${e.manager}/${e.operation}`)).toEqual(['second/Apply']);
    // kubectl 1.32 hides managedFields unless asked.
    expect(await kubectlOk(['get', 'configmap', 'ssa', '-o', 'yaml'])).not.toContain('managedFields');
  }, TEST_TIMEOUT_MS);

  // Last: it cordons the node. Only the pods it chose (--pod-selector) are evicted.
  it('drain --ignore-daemonsets evicts the node\'s pods through pods/eviction', async () => {
    await kubectlOk(['create', 'deployment', 'evictee', '--image=kubets/busybox:1.36', '--', 'sleep', '3600']);
    await kubectlOk(['rollout', 'status', 'deployment/evictee', '--timeout=120s']);
    const pod = (await kubectlOk(['get', 'pods', '-l', 'app=evictee', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const drained = await kubectlOk(['drain', NODE, '--ignore-daemonsets', '--pod-selector=app=evictee', '--timeout=120s']);
    expect(drained).toContain(`node/${NODE} cordoned\n`);
    expect(drained).toContain(`evicting pod default/${pod}\n`);
    expect(drained).toContain(`pod/${pod} evicted\n`);
    expect(drained).toMatch(new RegExp(`node/${NODE} drained\\n$`));
    // kubectl found pods/eviction in discovery and used it rather than a delete.
    const evictionAudited = (): boolean => readFileSync(join(dataDir, 'logs', 'audit.log'), 'utf8').includes(`"/api/v1/namespaces/default/pods/${pod}/eviction"`);
    await pollUntil(async () => evictionAudited(), { timeoutMs: 30_000, intervalMs: 500, what: 'the eviction in the audit log' });
    expect(await kubectlOk(['uncordon', NODE])).toBe(`node/${NODE} uncordoned\n`);
    await kubectlOk(['delete', 'deployment', 'evictee']);
  }, TEST_TIMEOUT_MS);
});
