import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodSpec, PodStatus } from '../../lib/api/generated/index.js';
import { projectRoot } from '../../lib/paths.js';
import { within } from '../harness/poll.js';
import { DockerRuntime } from '../../services/kubelet/runtime/docker-runtime.js';
import type { EventRecorder } from '../../services/kubelet/runtime/events.js';
import { LABEL_NODE, LABEL_POD_UID } from '../../services/kubelet/runtime/labels.js';
import { isMountPoint, mountPointsUnder, unmount } from '../../services/kubelet/runtime/volumes/mounts.js';
import { VolumeManager } from '../../services/kubelet/runtime/volumes/volume-manager.js';
import { InMemoryObjectSource } from '../../services/kubelet/pod-workers/object-source.js';
import { PodWorkers } from '../../services/kubelet/pod-workers/pod-workers.js';

// Real Docker. Every container made here carries one of these node labels and is removed in afterAll.
// Traffic goes only to containers made here (via exec inside them); nothing leaves the machine.
const NODE = `it-kubelet-${randomBytes(4).toString('hex')}`;
const OTHER_NODE = `${NODE}-b`;
// A resolver address inside each container's own loopback: any lookup a test container makes fails
// locally instead of leaving the machine (README, network safety: DNS), whether or not a proxy guards the service range.
const CLUSTER_DNS = '127.0.0.1';
const BUSYBOX = 'kubets/busybox:1.36';
const MISSING_IMAGE = '127.0.0.1:1/missing:v1';

const docker = new Docker();
const objects = new InMemoryObjectSource();
const events: Array<{ uid: string; type: string; reason: string; message: string }> = [];
const statuses = new Map<string, PodStatus>();
/** Every status reported, so short-lived states are not missed between polls. */
const history = new Map<string, PodStatus[]>();
let root: string;
let runtime: DockerRuntime;
let workers: PodWorkers;

const recorder: EventRecorder = {
  event: (pod, type, reason, message) => events.push({ uid: pod.metadata?.uid ?? '', type, reason, message }),
};

function newKubelet(nodeName: string): { runtime: DockerRuntime; workers: PodWorkers } {
  const rt = new DockerRuntime({ nodeName, docker, dns: { clusterDNS: [CLUSTER_DNS], clusterDomain: 'cluster.local' } });
  const pw = new PodWorkers({
    runtime: rt,
    objects,
    volumes: new VolumeManager({ rootDir: join(root, nodeName), objects }),
    nodeName,
    nodeIP: '127.0.0.1',
    events: recorder,
    onStatus: (pod, status) => {
      const uid = pod.metadata?.uid ?? '';
      statuses.set(uid, status);
      history.set(uid, [...(history.get(uid) ?? []), status]);
    },
    relistIntervalMs: 300,
  });
  pw.start();
  return { runtime: rt, workers: pw };
}

function makePod(name: string, spec: PodSpec, labels: Record<string, string> = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: randomUUID(), labels: { app: name, ...labels } },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 30, ...spec },
  };
}

async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function containerStatus(pod: Pod, name: string, status = statuses.get(pod.metadata?.uid ?? '')): ContainerStatus | undefined {
  return status?.containerStatuses?.find((c) => c.name === name);
}

function containerId(pod: Pod, name: string): string {
  const id = containerStatus(pod, name)?.containerID?.replace('docker://', '');
  if (!id) throw new Error(`no container id for ${name}`);
  return id;
}

async function running(pod: Pod): Promise<PodStatus> {
  return waitFor(`pod ${pod.metadata?.name} running`, () => {
    const status = statuses.get(pod.metadata?.uid ?? '');
    return status?.phase === 'Running' && status.containerStatuses?.every((c) => c.state?.running) ? status : undefined;
  });
}

async function execText(id: string, command: string[], stdin?: Buffer): Promise<{ stdout: Buffer; stderr: string; exitCode: number }> {
  const session = await runtime.exec(id, command, { stdin: stdin !== undefined });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  session.stdout.on('data', (c: Buffer) => out.push(c));
  session.stderr?.on('data', (c: Buffer) => err.push(c));
  if (stdin && session.stdin) session.stdin.end(stdin);
  const exitCode = await session.exitCode;
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), exitCode };
}

async function sh(id: string, script: string): Promise<string> {
  return (await execText(id, ['sh', '-c', script])).stdout.toString();
}

function eventsOf(pod: Pod): typeof events {
  return events.filter((e) => e.uid === pod.metadata?.uid);
}

async function nodeContainers(nodeName: string, uid?: string): Promise<Docker.ContainerInfo[]> {
  const label = [`${LABEL_NODE}=${nodeName}`, ...(uid ? [`${LABEL_POD_UID}=${uid}`] : [])];
  return docker.listContainers({ all: true, filters: { label } });
}

beforeAll(async () => {
  const images = await docker.listImages({ filters: { reference: ['kubets/pause:3.9', BUSYBOX, 'kubets/hostname:v1'] } });
  if (images.length < 3) execFileSync(join(projectRoot, 'scripts/build-images'), { stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'kubelet-runtime-'));
  ({ runtime, workers } = newKubelet(NODE));
  objects
    .setService({ metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] } })
    .setService({ metadata: { namespace: 'default', name: 'mysql' }, spec: { clusterIP: '10.96.0.42', ports: [{ port: 3306 }] } })
    .setSecret({ metadata: { namespace: 'default', name: 'db-creds' }, data: { password: Buffer.from('s3cr3t'), user: Buffer.from('admin') } })
    .setConfigMap({ metadata: { namespace: 'default', name: 'app-config' }, data: { 'app.conf': 'mode=fast\n', unused: 'x' } });
});

afterAll(async () => {
  await workers?.stop();
  for (const node of [NODE, OTHER_NODE]) {
    const leftovers = await nodeContainers(node);
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
  if (root) {
    for (const mountPoint of await mountPointsUnder(root)) await unmount(mountPoint).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
});

describe.concurrent('kubelet runtime on real Docker', () => {
  it('runs a two-container pod sharing localhost, an emptyDir, service env and the cluster DNS', async () => {
    const pod = makePod('duo', {
      volumes: [{ name: 'shared', emptyDir: { medium: 'Memory' } }],
      containers: [
        {
          name: 'web',
          image: 'kubets/hostname:v1',
          ports: [{ containerPort: 8080 }],
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } },
        },
        {
          name: 'client',
          image: BUSYBOX,
          command: ['sh', '-c'],
          args: ['echo "$(GREETING) from $(POD_NAME)" > /shared/hello; exec sleep 3600'],
          env: [
            { name: 'GREETING', value: 'hi' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
        },
      ],
    });
    workers.updatePod(pod);
    const status = await running(pod);
    expect(status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(status.qosClass).toBe('Burstable');
    const web = containerId(pod, 'web');
    const client = containerId(pod, 'client');

    // Same network namespace: the client reaches the web container on localhost and sees the pod's hostname
    // (Ready has no probe behind it here, so the server may still be starting to listen).
    await waitFor('the web container on localhost', async () => (await sh(client, 'echo | nc -w 2 127.0.0.1 8080')).trim() === 'duo');
    // Same emptyDir, memory-backed on the host.
    await waitFor('shared file', async () => (await sh(web, 'cat /shared/hello')).trim() === 'hi from duo');
    const shared = join(root, NODE, 'pods', pod.metadata?.uid ?? '', 'volumes/kubernetes.io~empty-dir/shared');
    expect(await isMountPoint(shared)).toBe(true);
    // Service environment variables, explicit env, $(VAR) expansion.
    // busybox-static has no printenv.
    expect((await sh(client, 'echo $MYSQL_SERVICE_HOST; echo $MYSQL_PORT; echo $KUBERNETES_SERVICE_PORT_HTTPS')).split('\n').slice(0, 3)).toEqual([
      '10.96.0.42',
      'tcp://10.96.0.42:3306',
      '443',
    ]);
    // Network safety: the resolver names only the cluster DNS.
    const resolv = await sh(client, 'cat /etc/resolv.conf');
    expect(resolv.split('\n').filter((l) => l.startsWith('nameserver'))).toEqual([`nameserver ${CLUSTER_DNS}`]);
    expect(resolv).toContain('search default.svc.cluster.local svc.cluster.local cluster.local');
    expect(resolv).toContain('options ndots:5');
    // Limits reach the cgroup settings.
    const info = await docker.getContainer(web).inspect();
    expect(info.HostConfig).toMatchObject({ CpuShares: 256, CpuQuota: 50_000, CpuPeriod: 100_000, Memory: 64 * 1024 * 1024, Init: true });
    expect(info.Config.Labels).toMatchObject({ 'io.kubets.pod.name': 'duo', 'io.kubets.container.name': 'web', 'io.kubets.node': NODE });

    await workers.terminatePod(pod.metadata?.uid ?? '');
    expect(await isMountPoint(shared)).toBe(false);
  });

  it('restarts a crashing container with Kubernetes backoff', async () => {
    const pod = makePod('crash', { containers: [{ name: 'crash', image: BUSYBOX, command: ['sh', '-c', 'echo boom; exit 3'] }] });
    const uid = pod.metadata?.uid ?? '';
    workers.updatePod(pod);
    const looping = await waitFor('CrashLoopBackOff', () => {
      const c = containerStatus(pod, 'crash');
      return c?.state?.waiting?.reason === 'CrashLoopBackOff' ? c : undefined;
    });
    expect(looping.restartCount).toBe(1);
    expect(looping.state?.waiting?.message).toBe(`back-off 10s restarting failed container=crash pod=crash_default(${uid})`);
    expect(looping.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(statuses.get(uid)?.phase).toBe('Running');
    expect(eventsOf(pod).some((e) => e.reason === 'BackOff' && e.message === `Back-off restarting failed container crash in pod crash_default(${uid})`)).toBe(true);

    // `logs --previous` reads the container that ran before the current one.
    const previousId = looping.lastState?.terminated?.containerID?.replace('docker://', '') ?? '';
    const log = await runtime.logs(previousId, { tailLines: 10 });
    const text = await new Promise<string>((resolve) => {
      const parts: Buffer[] = [];
      log.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve(Buffer.concat(parts).toString()));
    });
    expect(text).toBe('boom\n');

    const second = await waitFor(
      'second restart after 10 s',
      () => {
        const c = containerStatus(pod, 'crash');
        return c?.restartCount === 2 && c.state?.waiting?.reason === 'CrashLoopBackOff' ? c : undefined;
      },
      25_000,
    );
    expect(second.state?.waiting?.message).toContain('back-off 20s restarting failed container=crash');
    await workers.terminatePod(uid);
  });

  it('restarts a container whose liveness probe fails', async () => {
    const pod = makePod('liveness', {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image: BUSYBOX,
          command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 600'],
          livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
        },
      ],
    });
    workers.updatePod(pod);
    const restarted = await waitFor('liveness restart', () => {
      const c = containerStatus(pod, 'app');
      return c?.restartCount === 1 && c.state?.running ? c : undefined;
    });
    expect(restarted.lastState?.terminated?.exitCode).toBeGreaterThan(128);
    const reasons = eventsOf(pod).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toContain('Killing: Container app failed liveness probe, will be restarted');
    expect(reasons.some((r) => r.startsWith('Unhealthy: Liveness probe failed: cat: can\'t open \'/tmp/healthy\''))).toBe(true);
    await workers.terminatePod(pod.metadata?.uid ?? '');
  });

  it('toggles ready with the readiness probe', async () => {
    const pod = makePod('readiness', {
      containers: [
        {
          name: 'app',
          image: BUSYBOX,
          command: ['sleep', '600'],
          readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
        },
      ],
    });
    const uid = pod.metadata?.uid ?? '';
    workers.updatePod(pod);
    await waitFor('running but not ready', () => {
      const c = containerStatus(pod, 'app');
      return c?.state?.running && c.ready === false;
    });
    expect(statuses.get(uid)?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    const id = containerId(pod, 'app');
    await sh(id, 'touch /tmp/ready');
    await waitFor('ready', () => containerStatus(pod, 'app')?.ready === true);
    expect(statuses.get(uid)?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    await sh(id, 'rm /tmp/ready');
    await waitFor('unready again', () => containerStatus(pod, 'app')?.ready === false);
    expect(statuses.get(uid)?.phase).toBe('Running');
    await workers.terminatePod(uid);
  });

  it('projects secret, configMap and downward API volumes; a missing configMap keeps the pod ContainerCreating', async () => {
    const pod = makePod(
      'volumes',
      {
        volumes: [
          { name: 'creds', secret: { secretName: 'db-creds', defaultMode: 0o400 } },
          { name: 'config', configMap: { name: 'app-config', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
        containers: [
          {
            name: 'app',
            image: BUSYBOX,
            command: ['sleep', '600'],
            volumeMounts: [
              { name: 'creds', mountPath: '/etc/creds' },
              { name: 'config', mountPath: '/etc/app' },
              { name: 'info', mountPath: '/etc/podinfo' },
            ],
            env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } }],
          },
        ],
      },
      { tier: 'db' },
    );
    workers.updatePod(pod);
    await running(pod);
    const id = containerId(pod, 'app');
    expect(await sh(id, 'cat /etc/creds/password')).toBe('s3cr3t');
    expect((await sh(id, 'stat -L -c %a /etc/creds/password /etc/creds/user /etc/app/conf/app.conf')).split('\n').slice(0, 3)).toEqual(['400', '400', '600']);
    expect(await sh(id, 'cat /etc/app/conf/app.conf; ls /etc/app')).toBe('mode=fast\nconf\n');
    expect(await sh(id, 'cat /etc/podinfo/labels')).toBe('app="volumes"\ntier="db"');
    expect(await sh(id, 'echo $DB_PASSWORD')).toBe('s3cr3t\n');
    expect((await execText(id, ['sh', '-c', 'echo x > /etc/creds/new'])).exitCode).not.toBe(0);
    // Secrets sit on the kubelet's one tmpfs, never on disk; the pod's share goes with the pod.
    const memoryVolumes = join(root, NODE, 'memory-volumes');
    const secretDir = join(memoryVolumes, pod.metadata?.uid ?? '', 'kubernetes.io~secret/creds');
    expect(await isMountPoint(memoryVolumes)).toBe(true);
    expect((await stat(join(secretDir, 'password'))).isFile()).toBe(true);
    await workers.terminatePod(pod.metadata?.uid ?? '');
    await expect(stat(secretDir)).rejects.toThrow();

    const broken = makePod('missing-volume', {
      volumes: [{ name: 'x', configMap: { name: 'nope' } }],
      containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '600'], volumeMounts: [{ name: 'x', mountPath: '/x' }] }],
    });
    workers.updatePod(broken);
    await waitFor('FailedMount event', () => eventsOf(broken).find((e) => e.reason === 'FailedMount'));
    expect(eventsOf(broken).find((e) => e.reason === 'FailedMount')?.message).toBe('MountVolume.SetUp failed for volume "x" : configmap "nope" not found');
    const pending = statuses.get(broken.metadata?.uid ?? '');
    expect(pending?.phase).toBe('Pending');
    expect(containerStatus(broken, 'app', pending)?.state?.waiting?.reason).toBe('ContainerCreating');
    expect(await nodeContainers(NODE, broken.metadata?.uid)).toEqual([]);
    await workers.terminatePod(broken.metadata?.uid ?? '');
  });

  it('reports a missing image as ErrImagePull, then ImagePullBackOff, and Never as ErrImageNeverPull', async () => {
    const pod = makePod('missing-image', {
      containers: [
        { name: 'app', image: MISSING_IMAGE },
        { name: 'never', image: MISSING_IMAGE, imagePullPolicy: 'Never' },
      ],
    });
    workers.updatePod(pod);
    const waiting = (reason: string) => () =>
      history
        .get(pod.metadata?.uid ?? '')
        ?.map((status) => containerStatus(pod, 'app', status))
        .find((c) => c?.state?.waiting?.reason === reason);
    const pulled = await waitFor('ErrImagePull', waiting('ErrImagePull'));
    expect(pulled.state?.waiting?.message).toContain('127.0.0.1:1');
    expect(pulled.state?.waiting?.message).toContain('connection refused');
    const backoff = await waitFor('ImagePullBackOff', waiting('ImagePullBackOff'));
    expect(backoff.state?.waiting?.message).toBe(`Back-off pulling image "${MISSING_IMAGE}"`);
    const reasons = (history.get(pod.metadata?.uid ?? '') ?? []).map((status) => containerStatus(pod, 'app', status)?.state?.waiting?.reason);
    expect(reasons.indexOf('ErrImagePull')).toBeLessThan(reasons.indexOf('ImagePullBackOff'));
    expect(containerStatus(pod, 'never')?.state?.waiting).toEqual({
      reason: 'ErrImageNeverPull',
      message: `Container image "${MISSING_IMAGE}" is not present with pull policy of Never`,
    });
    expect(statuses.get(pod.metadata?.uid ?? '')?.phase).toBe('Pending');
    expect(eventsOf(pod).some((e) => e.reason === 'Failed' && e.message.startsWith(`Failed to pull image "${MISSING_IMAGE}":`))).toBe(true);
    await workers.terminatePod(pod.metadata?.uid ?? '');
  });

  it('reports a command that cannot run as ContainerCannotRun', async () => {
    const pod = makePod('no-command', { restartPolicy: 'Never', containers: [{ name: 'app', image: BUSYBOX, command: ['nosuchcmd'] }] });
    workers.updatePod(pod);
    const terminated = await waitFor('ContainerCannotRun', () => containerStatus(pod, 'app')?.state?.terminated);
    expect(terminated).toMatchObject({ reason: 'ContainerCannotRun', exitCode: 127 });
    expect(terminated.message).toContain('nosuchcmd');
    await waitFor('phase Failed', () => statuses.get(pod.metadata?.uid ?? '')?.phase === 'Failed');
    await workers.terminatePod(pod.metadata?.uid ?? '');
  });

  it('runs init containers in order before the app containers', async () => {
    const pod = makePod('init', {
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        { name: 'first', image: BUSYBOX, command: ['sh', '-c', 'echo one > /work/log'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        { name: 'second', image: BUSYBOX, command: ['sh', '-c', 'echo two >> /work/log'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      ],
      containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'cat /work/log; exec sleep 600'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
    });
    workers.updatePod(pod);
    const status = await running(pod);
    expect(status.initContainerStatuses?.map((c) => [c.name, c.state?.terminated?.reason, c.ready])).toEqual([
      ['first', 'Completed', true],
      ['second', 'Completed', true],
    ]);
    expect(status.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(await sh(containerId(pod, 'app'), 'cat /work/log')).toBe('one\ntwo\n');
    await workers.terminatePod(pod.metadata?.uid ?? '');
  });

  it('gives host-network pods the node IP and still only the cluster DNS', async () => {
    const pod = makePod('hostnet', { hostNetwork: true, containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '600'] }] });
    workers.updatePod(pod);
    const status = await running(pod);
    expect(status.podIP).toBe('127.0.0.1');
    const resolv = await sh(containerId(pod, 'app'), 'cat /etc/resolv.conf');
    expect(resolv.split('\n').filter((l) => l.startsWith('nameserver'))).toEqual([`nameserver ${CLUSTER_DNS}`]);
    await workers.terminatePod(pod.metadata?.uid ?? '');
  });

  it('stops a busybox pod by SIGTERM, without waiting out the grace period', async () => {
    // Two minutes of grace: stopping before the deadline below means SIGTERM ended the container.
    const pod = makePod('graceful', { terminationGracePeriodSeconds: 120, containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }] });
    workers.updatePod(pod);
    await running(pod);
    await within(workers.terminatePod(pod.metadata?.uid ?? ''), 30_000, 'terminating the pod');
    expect(await nodeContainers(NODE, pod.metadata?.uid)).toEqual([]);
    const final = statuses.get(pod.metadata?.uid ?? '');
    // 128 + 15: ended by SIGTERM (a kill after the grace period would be 137).
    expect(containerStatus(pod, 'app', final)?.state?.terminated).toMatchObject({ exitCode: 143 });
  });

  it('streams exec stdin of 1 MiB through cat unchanged', async () => {
    const pod = makePod('exec', { containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '600'] }] });
    workers.updatePod(pod);
    await running(pod);
    const input = randomBytes(1024 * 1024);
    const result = await execText(containerId(pod, 'app'), ['cat'], input);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(input.length);
    expect(result.stdout.equals(input)).toBe(true);
    const failing = await execText(containerId(pod, 'app'), ['sh', '-c', 'echo oops >&2; exit 4']);
    expect([failing.exitCode, failing.stderr]).toEqual([4, 'oops\n']);

    const tty = await runtime.exec(containerId(pod, 'app'), ['sh', '-c', 'sleep 0.5; tty; stty size'], { tty: true });
    expect(tty.stderr).toBeNull();
    await tty.resize({ width: 100, height: 40 });
    const screen: Buffer[] = [];
    tty.stdout.on('data', (c: Buffer) => screen.push(c));
    expect(await tty.exitCode).toBe(0);
    expect(Buffer.concat(screen).toString()).toMatch(/^\/dev\/pts\/\d+\r\n40 100\r\n$/);
    await expect(runtime.exec('0000000000000000', ['true'])).rejects.toThrow('not found on node');
    await workers.terminatePod(pod.metadata?.uid ?? '');
  });

  it('follows logs', async () => {
    const pod = makePod('logs', { containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done'] }] });
    workers.updatePod(pod);
    await running(pod);
    const stream = await runtime.logs(containerId(pod, 'app'), { follow: true });
    const text = await new Promise<string>((resolve) => {
      let seen = '';
      stream.on('data', (c: Buffer) => {
        seen += c.toString();
        if (seen.includes('line 3\n')) {
          stream.destroy();
          resolve(seen);
        }
      });
    });
    expect(text.startsWith('line 0\nline 1\nline 2\nline 3\n')).toBe(true);
    await workers.terminatePod(pod.metadata?.uid ?? '');
  });

  it('adopts running containers after a kubelet restart and removes containers of unknown pods', async () => {
    const first = newKubelet(OTHER_NODE);
    const pod = makePod('adopt', {
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [
        {
          name: 'app',
          image: BUSYBOX,
          command: ['sh', '-c', 'if [ -f /data/once ]; then exec sleep 3600; else touch /data/once; exit 1; fi'],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
    });
    const orphan = makePod('orphan', { containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }] });
    first.workers.updatePod(pod);
    first.workers.updatePod(orphan);
    const before = await waitFor('restarted once and running', () => {
      const c = containerStatus(pod, 'app');
      return c?.restartCount === 1 && c.state?.running ? c : undefined;
    });
    await running(orphan);
    await first.workers.stop();
    const containersBefore = (await nodeContainers(OTHER_NODE, pod.metadata?.uid)).map((c) => c.Id).sort();

    // A new kubelet process: fresh runtime and workers, same node name, knows only `pod`.
    statuses.delete(pod.metadata?.uid ?? '');
    const second = newKubelet(OTHER_NODE);
    expect((await second.runtime.listPods()).map((p) => p.uid).sort()).toEqual([pod.metadata?.uid, orphan.metadata?.uid].sort());
    second.workers.updatePod(pod);
    const after = await waitFor('adopted status', () => containerStatus(pod, 'app'));
    expect(after.containerID).toBe(before.containerID);
    expect(after.restartCount).toBe(1);
    expect(after.state?.running?.startedAt).toBe(before.state?.running?.startedAt);
    expect((await nodeContainers(OTHER_NODE, pod.metadata?.uid)).map((c) => c.Id).sort()).toEqual(containersBefore);

    const cleaned = await second.workers.cleanupOrphans([pod.metadata?.uid ?? '']);
    expect(cleaned).toContain(orphan.metadata?.uid);
    expect(await nodeContainers(OTHER_NODE, orphan.metadata?.uid)).toEqual([]);
    expect((await nodeContainers(OTHER_NODE, pod.metadata?.uid)).length).toBe(containersBefore.length);
    await second.workers.terminatePod(pod.metadata?.uid ?? '');
    await second.workers.stop();
  });
});
