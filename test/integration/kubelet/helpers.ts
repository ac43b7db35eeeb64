import Docker from 'dockerode';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import type { ContainerStatus, Event, Pod, PodSpec } from '../../../lib/api/generated/index.js';
import { issueServingCert } from '../../../lib/certs/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { writeClientConfig } from '../../../lib/client-config.js';
import { projectRoot } from '../../../lib/paths.js';
import { Kubelet, type KubeletOptions } from '../../../services/kubelet/kubelet.js';
import { LABEL_NODE } from '../../../services/kubelet/runtime/labels.js';
import { mountPointsUnder, unmount } from '../../../services/kubelet/runtime/volumes/mounts.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { pollUntil } from '../../harness/poll.js';
import { freePort } from '../../harness/ports.js';

// Shared by the kubelet integration tests: a real control plane, a real kubelet (in this process or
// as its own) on real Docker, and waits on what a user sees through the API. Every container a
// kubelet makes carries its node label; cleanup() removes them all. Traffic stays on loopback and
// inside containers made here.

export const BUSYBOX = 'kubets/busybox:1.36';
export const MISSING_IMAGE = '127.0.0.1:1/missing:v1';
export const docker = new Docker();
/**
 * The pods' resolver: each container's own loopback, so a lookup a test container might make fails
 * inside it instead of reaching any host resolver (README, network safety: DNS). The kubelet's default, the Docker
 * bridge gateway, is where `kubets up` runs the cluster DNS.
 */
const TEST_CLUSTER_DNS = '127.0.0.1';
const log = pino({ level: process.env.KUBETS_TEST_LOG ?? 'silent' });

interface KubeletFiles {
  dir: string;
  rootDir: string;
  manifestDir: string;
  certFile: string;
  keyFile: string;
  caFile: string;
  kubeconfig: string;
}

export interface TestNode {
  cp: ControlPlane;
  client: ApiClient;
  nodeName: string;
  files: KubeletFiles;
  clusterDNS: string;
}

/** Makes sure the local images exist (scripts/build-images is idempotent). */
async function ensureImages(): Promise<void> {
  const images = await docker.listImages({ filters: { reference: ['kubets/pause:3.9', BUSYBOX, 'kubets/hostname:v1'] } });
  if (images.length < 3) execFileSync(join(projectRoot, 'scripts/build-images'), { stdio: 'inherit' });
}

/** A control plane plus the files a kubelet for `nodeName` needs: serving cert from the cluster CA, client config. */
export async function setUpNode(nodeName: string, controlPlane?: Parameters<typeof startControlPlane>[0]): Promise<TestNode> {
  await ensureImages();
  const cp = await startControlPlane(controlPlane);
  const dir = await mkdtemp(join(tmpdir(), `kubelet-${nodeName}-`));
  const pki = join(cp.dataDir, 'pki');
  const ca = { certPem: await readFile(join(pki, 'ca.crt'), 'utf8'), keyPem: await readFile(join(pki, 'ca.key'), 'utf8') };
  const serving = await issueServingCert(ca, { commonName: `system:node:${nodeName}`, hosts: [nodeName, '127.0.0.1'] });
  const files: KubeletFiles = {
    dir,
    rootDir: join(dir, 'root'),
    manifestDir: join(dir, 'manifests'),
    certFile: join(dir, 'kubelet.crt'),
    keyFile: join(dir, 'kubelet.key'),
    caFile: join(pki, 'ca.crt'),
    kubeconfig: join(dir, 'kubelet.conf'),
  };
  await writeFile(files.certFile, serving.certPem);
  await writeFile(files.keyFile, serving.keyPem, { mode: 0o600 });
  await writeClientConfig(files.kubeconfig, {
    currentContext: 'test',
    contexts: { test: { servers: cp.apiservers.map((a) => a.address), certificateAuthority: files.caFile, token: cp.token } },
  });
  return { cp, client: cp.client(), nodeName, files, clusterDNS: TEST_CLUSTER_DNS };
}

/** A kubelet in this process, with quick loops. */
export async function startKubelet(node: TestNode, extra: Partial<KubeletOptions> = {}): Promise<Kubelet> {
  const kubelet = new Kubelet({
    nodeName: node.nodeName,
    client: node.cp.client(),
    nodeIP: '127.0.0.1',
    port: 0,
    tls: {
      certPem: await readFile(node.files.certFile),
      keyPem: await readFile(node.files.keyFile),
      clientCaPem: await readFile(node.files.caFile),
    },
    rootDir: node.files.rootDir,
    podManifestPath: node.files.manifestDir,
    clusterDNS: [node.clusterDNS],
    docker,
    relistIntervalMs: 300,
    nodeStatusIntervalMs: 1_000,
    housekeepingIntervalMs: 2_000,
    staticPodCheckIntervalMs: 1_000,
    log: log.child({ node: node.nodeName }),
    ...extra,
  });
  await kubelet.start();
  return kubelet;
}

export interface KubeletProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  /** SIGKILL: no cleanup, containers stay. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** `kubets kubelet` as its own process (the TypeScript entry through tsx, as the e2e tests run the CLI). */
export async function spawnKubelet(node: TestNode, port?: number): Promise<KubeletProcess> {
  const kubeletPort = port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx', join(projectRoot, 'cli/main.ts'), 'kubelet',
      '--node-name', node.nodeName,
      '--kubeconfig', node.files.kubeconfig,
      '--port', String(kubeletPort),
      '--node-ip', '127.0.0.1',
      '--root-dir', node.files.rootDir,
      '--pod-manifest-path', node.files.manifestDir,
      '--cluster-dns', node.clusterDNS,
      '--tls-cert-file', node.files.certFile,
      '--tls-private-key-file', node.files.keyFile,
      '--client-ca-file', node.files.caFile,
    ],
    { cwd: projectRoot, env: { ...process.env, KUBETS_LOG_LEVEL: process.env.KUBETS_TEST_LOG ?? 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    port: kubeletPort,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Removes every container labelled with the node, then the node's files and the control plane. */
export async function tearDownNode(node: TestNode | undefined): Promise<void> {
  if (!node) return;
  await removeNodeContainers(node.nodeName);
  for (const mountPoint of await mountPointsUnder(node.files.dir)) await unmount(mountPoint).catch(() => undefined);
  await rm(node.files.dir, { recursive: true, force: true });
  await node.cp.stop();
}

export async function removeNodeContainers(nodeName: string): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${nodeName}`] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

export function makePod(name: string, nodeName: string, spec: Partial<PodSpec>, namespace = 'default'): Pod {
  return {
    metadata: { name, namespace, labels: { app: name } },
    spec: { nodeName, terminationGracePeriodSeconds: 30, containers: [], ...spec },
  };
}

/** Polls until check returns a value (or true); bounded by timeoutMs. */
export function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  return pollUntil(check, { timeoutMs, intervalMs: 100, what });
}

export function containerStatus(pod: Pod | undefined, name: string): ContainerStatus | undefined {
  return pod?.status?.containerStatuses?.find((c) => c.name === name);
}

/** Waits until the API shows the pod Running with every container running. */
export async function waitRunning(client: ApiClient, namespace: string, name: string, timeoutMs = 30_000): Promise<Pod> {
  return eventually(
    `pod ${name} running`,
    async () => {
      const pod = await client.resource('pod').get(namespace, name);
      return pod.status?.phase === 'Running' && pod.status.containerStatuses?.every((c) => c.state?.running) ? pod : undefined;
    },
    timeoutMs,
  );
}

export async function podEvents(client: ApiClient, pod: Pod): Promise<Event[]> {
  const { items } = await client.resource('event').list(pod.metadata?.namespace ?? 'default');
  return items.filter((e) => e.involvedObject?.name === pod.metadata?.name && e.involvedObject?.uid === pod.metadata?.uid);
}

interface ExecOutput {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

/** Runs a command in a pod's container through the apiserver (which proxies to the kubelet). */
export async function execIn(client: ApiClient, pod: Pod, container: string, command: string[], stdin?: Buffer): Promise<ExecOutput> {
  const input = stdin ? new PassThrough() : undefined;
  const session = await client.exec(
    { namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', container, command, stdin: Boolean(stdin) },
    input ? { stdin: input } : {},
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  session.stdout.on('data', (c: Buffer) => out.push(c));
  session.stderr.on('data', (c: Buffer) => err.push(c));
  if (input && stdin) input.end(stdin);
  const exitCode = await session.exitCode;
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), exitCode };
}

export async function sh(client: ApiClient, pod: Pod, container: string, script: string): Promise<string> {
  return (await execIn(client, pod, container, ['sh', '-c', script])).stdout.toString();
}
