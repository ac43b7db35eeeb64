// The cluster image registry of `kubets up --nodes 2`: a user builds an image here (from
// busybox-static, as scripts/build-images does), pushes it, and a pod on the other node runs it,
// its engine pulling from the registry; the local images reach that node the same way, and a pull
// of anything else stays fenced. Traffic goes only to loopback and the namespaces this test makes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../harness/ports.js';
import { runCli } from '../cli/cli-harness.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `rg-${SUFFIX}`;
const NODE2 = `${NODE}-node2`;
const SUBNET_PREFIX = '10.253.9';
const HOST_IP = `${SUBNET_PREFIX}.1`;
const APP = `app-${SUFFIX}`;

const { dir, dataDir, env, ok, nodesReady, holdHostNetwork, tearDownAfterAll } = clusterCli('registry');
let registryPort = 0;
let builtImage = '';

const getPod = async (name: string): Promise<Pod> => JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as Pod;
const docker = (args: string[], input?: Buffer): string => execFileSync('docker', args, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
const node2Engine = (): string => `unix:///run/kubets/${readFileSync(join(dataDir, 'cluster-id'), 'utf8').trim()}/node2/docker.sock`;

/** A pod pinned to the second node, as a user writes it. */
async function runOnNode2(name: string, image: string, command?: string[]): Promise<void> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: NODE2, containers: [{ name: 'c', image, ...(command && { command }) }] } };
  const created = await runCli(['create', '-f', '-'], env, { stdin: JSON.stringify(pod) });
  expect(created.code, created.stderr).toBe(0);
}

async function runningWithin(name: string): Promise<number> {
  const started = Date.now();
  await pollUntil(async () => (await getPod(name)).status?.phase === 'Running', { timeoutMs: 180_000, intervalMs: 250, what: `pod ${name} running` });
  return Date.now() - started;
}

/** The user's image: a busybox-static rootfs whose entry point says which image it is, then sleeps. */
function buildUserImage(tag: string): void {
  const root = join(dir, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  execFileSync('cp', ['/bin/busybox', join(root, 'bin', 'busybox')]);
  for (const applet of ['sh', 'echo', 'sleep', 'hostname']) symlinkSync('busybox', join(root, 'bin', applet));
  writeFileSync(join(root, 'app'), '#!/bin/sh\necho "app v1 on $(hostname)"\nexec sleep 3600\n', { mode: 0o755 });
  const tar = execFileSync('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  docker(['import', '--change', 'CMD ["/app"]', '--change', 'ENV PATH=/bin', '-', tag], tar);
}

const TEST_TIMEOUT_MS = 300_000;

beforeAll(async () => {
  await holdHostNetwork();
  const [port, etcdPort, kubeletPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort()];
  registryPort = await freePort();
  await ok(
    ['up', '--detach', '--nodes', '2', '--node-name', NODE, '--node-subnet', `${SUBNET_PREFIX}.0/24`, '--data-dir', dataDir,
      '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort), '--registry-port', String(registryPort)],
    180_000,
  );
  await nodesReady(2);
}, 900_000);

tearDownAfterAll({
  downArgs: ['--node-name', NODE],
  downTimeoutMs: 120_000,
  beforeDown: () => builtImage && execFileSync('docker', ['rmi', '-f', builtImage], { stdio: 'ignore' }),
  afterDown: () => expect(existsSync(`/etc/docker/certs.d/${HOST_IP}:${registryPort}`)).toBe(false),
});

describe('the cluster registry of kubets up --nodes 2', () => {
  it("starts the second node's engine empty and gives it the pause and busybox images from the registry", async () => {
    await runOnNode2('first', 'kubets/busybox:1.36', ['sleep', '3600']);
    const ms = await runningWithin('first');
    process.stdout.write(`registry: first pod on a new node running ${ms} ms after its creation (pause and busybox pulled)\n`);
    const images = docker(['-H', node2Engine(), 'images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n');
    expect(images).toEqual(expect.arrayContaining(['kubets/pause:3.9', 'kubets/busybox:1.36']));
    expect(images).not.toContain('kubeguide/tomcat-app:v1');
  }, TEST_TIMEOUT_MS);

  it('runs an image a user built and pushed on the other node (build, push, deploy)', async () => {
    // Pushed through the registry's loopback door (this host's engine bypasses its dead proxy only
    // there), pulled by name at its node-network address, where every node reaches it.
    builtImage = `127.0.0.1:${registryPort}/${APP}:v1`;
    buildUserImage(builtImage);
    docker(['push', builtImage]);
    await runOnNode2('app', `${HOST_IP}:${registryPort}/${APP}:v1`);
    await runningWithin('app');
    await pollUntil(async () => (await ok(['logs', 'app'])).includes('app v1 on app'), { timeoutMs: 60_000, intervalMs: 500, what: "the app's greeting" });
    const pod = await getPod('app');
    expect(pod.status?.containerStatuses?.[0]?.imageID).toMatch(/sha256:/);
  }, TEST_TIMEOUT_MS);

  it('keeps every other pull fenced: an image the registry does not hold fails at once', async () => {
    await runOnNode2('elsewhere', `kubets/not-pushed-${SUFFIX}:v1`);
    const waiting = await pollUntil(
      async () => {
        const reason = (await getPod('elsewhere')).status?.containerStatuses?.[0]?.state?.waiting?.reason;
        return reason === 'ErrImagePull' || reason === 'ImagePullBackOff' ? reason : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'a failed pull' },
    );
    expect(waiting).toMatch(/ErrImagePull|ImagePullBackOff/);
    // Docker Hub, after the mirror said no, is only reachable through the dead loopback proxy.
    expect(await ok(['describe', 'pod', 'elsewhere'])).toContain('127.0.0.1:9');
  }, TEST_TIMEOUT_MS);

  it('measures the old way for comparison: save/load of the local images, then a pod with its images present', async () => {
    const tags = docker(['images', '--filter', 'label=io.kubets.recipe', '--format', '{{.Repository}}:{{.Tag}}']).split('\n').filter((t) => t && !t.includes('<none>'));
    const started = Date.now();
    const tar = execFileSync('docker', ['save', ...tags], { maxBuffer: 512 * 1024 * 1024 });
    docker(['-H', node2Engine(), 'load'], tar);
    const loadMs = Date.now() - started;
    await runOnNode2('second', 'kubets/busybox:1.36', ['sleep', '3600']);
    const podMs = await runningWithin('second');
    process.stdout.write(`registry: save/load of ${tags.length} local images ${loadMs} ms, then a pod with its images present ${podMs} ms (load ${loadAverage()})\n`);
  }, TEST_TIMEOUT_MS);
});

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
