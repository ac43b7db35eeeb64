import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import {
  BUSYBOX,
  containerStatus,
  eventually,
  makePod,
  MISSING_IMAGE,
  podEvents,
  setUpNode,
  sh,
  startKubelet,
  tearDownNode,
  waitRunning,
  type TestNode,
} from './helpers.js';

// Pods through the API on a real kubelet and real Docker: what a user sees with get/describe/exec.
const NODE = `it-kubelet-pods-${randomBytes(3).toString('hex')}`;
let node: TestNode;
let kubelet: Kubelet;

beforeAll(async () => {
  node = await setUpNode(NODE);
  const { client } = node;
  await client.resource('service').create({ metadata: { name: 'mysql', namespace: 'default' }, spec: { ports: [{ port: 3306 }], selector: { app: 'mysql' } } });
  await client.resource('secret').create({ metadata: { name: 'db-creds', namespace: 'default' }, data: { password: Buffer.from('s3cr3t') } });
  kubelet = await startKubelet(node);
});

afterAll(async () => {
  await kubelet?.stop();
  await tearDownNode(node);
});

async function create(pod: Pod): Promise<Pod> {
  return node.client.resource('pod').create(pod);
}

async function getPod(name: string): Promise<Pod> {
  return node.client.resource('pod').get('default', name);
}

describe.concurrent('pods on a real kubelet', () => {
  it('runs a two-container pod sharing localhost and an emptyDir, with service env, a secret volume and the cluster DNS', async () => {
    const { client } = node;
    const created = await create(
      makePod('duo', NODE, {
        volumes: [
          { name: 'shared', emptyDir: {} },
          { name: 'creds', secret: { secretName: 'db-creds' } },
        ],
        containers: [
          { name: 'web', image: 'kubets/hostname:v1', ports: [{ containerPort: 8080 }], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
          {
            name: 'client',
            image: BUSYBOX,
            command: ['sh', '-c', 'echo hello > /shared/greeting; exec sleep 3600'],
            volumeMounts: [
              { name: 'shared', mountPath: '/shared' },
              { name: 'creds', mountPath: '/etc/creds', readOnly: true },
            ],
          },
        ],
      }),
    );
    const pod = await waitRunning(client, 'default', 'duo');
    expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(pod.status?.hostIP).toBe('127.0.0.1');
    expect(pod.status?.qosClass).toBe('BestEffort');
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(pod.metadata?.uid).toBe(created.metadata?.uid);

    expect((await sh(client, pod, 'client', 'echo | nc -w 2 127.0.0.1 8080')).trim()).toBe('duo');
    expect((await sh(client, pod, 'web', 'cat /shared/greeting')).trim()).toBe('hello');
    expect(await sh(client, pod, 'client', 'cat /etc/creds/password')).toBe('s3cr3t');
    const mysql = await client.resource('service').get('default', 'mysql');
    expect((await sh(client, pod, 'client', 'echo $MYSQL_SERVICE_HOST:$MYSQL_SERVICE_PORT')).trim()).toBe(`${mysql.spec?.clusterIP}:3306`);
    const resolv = await sh(client, pod, 'client', 'cat /etc/resolv.conf');
    expect(resolv.split('\n').filter((l) => l.startsWith('nameserver'))).toEqual([`nameserver ${node.clusterDNS}`]);
    expect(resolv).toContain('search default.svc.cluster.local svc.cluster.local cluster.local');

    const events = (await podEvents(client, pod)).map((e) => `${e.reason}:${e.involvedObject?.fieldPath ?? ''}`);
    expect(events).toEqual(expect.arrayContaining(['Started:spec.containers{web}', 'Started:spec.containers{client}']));
  });

  it('finishes a graceful delete by SIGTERM, without waiting out the grace period', async () => {
    const { client } = node;
    // A grace period of two minutes: the pod can only be gone before the deadline below if
    // SIGTERM ended the container and the kubelet finished the deletion at once.
    await create(makePod('quick', NODE, { terminationGracePeriodSeconds: 120, containers: [{ name: 'sleep', image: BUSYBOX, command: ['sleep', '3600'] }] }));
    await waitRunning(client, 'default', 'quick');
    const pods = client.resource('pod');
    const marked = await pods.delete('default', 'quick');
    expect(marked.metadata?.deletionTimestamp).toBeTruthy();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 30_000);
    let gone = false;
    for await (const ev of pods.watch('default', { fieldSelector: 'metadata.name=quick', resourceVersion: marked.metadata?.resourceVersion, signal: abort.signal })) {
      if (ev.type === 'DELETED') {
        gone = true;
        break;
      }
    }
    clearTimeout(timer);
    expect(gone).toBe(true);
    await expect(getPod('quick')).rejects.toThrow(/not found/);
  });

  it('restarts a crashing container with backoff and shows CrashLoopBackOff', async () => {
    const { client } = node;
    const created = await create(makePod('crash', NODE, { containers: [{ name: 'crash', image: BUSYBOX, command: ['sh', '-c', 'echo boom; exit 3'] }] }));
    const uid = created.metadata?.uid ?? '';
    const pod = await eventually('CrashLoopBackOff', async () => {
      const p = await getPod('crash');
      return containerStatus(p, 'crash')?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    });
    const status = containerStatus(pod, 'crash');
    expect(status?.restartCount).toBeGreaterThanOrEqual(1);
    expect(status?.state?.waiting?.message).toMatch(/^back-off (10|20)s restarting failed container=crash pod=crash_default\(/);
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    // Events are written apart from the status, so the BackOff event may land a moment later.
    await eventually('the BackOff event', async () =>
      (await podEvents(client, pod)).some((e) => e.reason === 'BackOff' && e.message === `Back-off restarting failed container crash in pod crash_default(${uid})`),
    );
    // logs --previous through the apiserver reads the instance that crashed.
    const chunks: Buffer[] = [];
    for await (const chunk of client.logs({ namespace: 'default', name: 'crash', previous: true })) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('boom\n');
  });

  it('restarts a container whose liveness probe fails', async () => {
    const { client } = node;
    await create(
      makePod('liveness', NODE, {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'app',
            image: BUSYBOX,
            command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    const pod = await eventually('liveness restart', async () => {
      const p = await getPod('liveness');
      const c = containerStatus(p, 'app');
      return c?.restartCount === 1 && c.state?.running ? p : undefined;
    });
    expect(containerStatus(pod, 'app')?.lastState?.terminated?.exitCode).toBeGreaterThan(128);
    const events = (await podEvents(client, pod)).map((e) => `${e.reason}: ${e.message}`);
    expect(events).toContain('Killing: Container app failed liveness probe, will be restarted');
  });

  it('turns Ready on and off with the readiness probe', async () => {
    const { client } = node;
    await create(
      makePod('readiness', NODE, {
        containers: [
          {
            name: 'app',
            image: BUSYBOX,
            command: ['sleep', '3600'],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    const readyIs = (value: string) =>
      eventually(`Ready=${value}`, async () => {
        const p = await getPod('readiness');
        return p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === value ? p : undefined;
      });
    const pod = await readyIs('False');
    expect(containerStatus(pod, 'app')?.ready).toBe(false);
    await sh(client, pod, 'app', 'touch /tmp/ready');
    expect(containerStatus(await readyIs('True'), 'app')?.ready).toBe(true);
    await sh(client, pod, 'app', 'rm /tmp/ready');
    await readyIs('False');
  });

  it('reports a missing image as ErrImagePull, then ImagePullBackOff, with events', async () => {
    const { client } = node;
    await create(makePod('missing', NODE, { containers: [{ name: 'app', image: MISSING_IMAGE }] }));
    const reasons = new Set<string>();
    const pod = await eventually('ImagePullBackOff', async () => {
      const p = await getPod('missing');
      const reason = containerStatus(p, 'app')?.state?.waiting?.reason;
      if (reason) reasons.add(reason);
      return reason === 'ImagePullBackOff' ? p : undefined;
    });
    expect(pod.status?.phase).toBe('Pending');
    expect(containerStatus(pod, 'app')?.state?.waiting?.message).toBe(`Back-off pulling image "${MISSING_IMAGE}"`);
    const events = await eventually('pull events', async () => {
      const list = (await podEvents(client, pod)).map((e) => `${e.type} ${e.reason}: ${e.message}`);
      return list.some((e) => e.startsWith('Normal BackOff')) ? list : undefined;
    });
    expect(events).toContain(`Normal Pulling: Pulling image "${MISSING_IMAGE}"`);
    expect(events.some((e) => e.startsWith(`Warning Failed: Failed to pull image "${MISSING_IMAGE}": `))).toBe(true);
    expect(events).toContain('Warning Failed: Error: ErrImagePull');
    expect(events).toContain(`Normal BackOff: Back-off pulling image "${MISSING_IMAGE}"`);
  });

  it('says which volume is wrong when a pod refers to a secret that does not exist', async () => {
    const { client } = node;
    await create(
      makePod('badvolume', NODE, {
        volumes: [{ name: 'creds', secret: { secretName: 'nope' } }],
        containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'], volumeMounts: [{ name: 'creds', mountPath: '/creds' }] }],
      }),
    );
    const pod = await eventually('pending status', async () => {
      const p = await getPod('badvolume');
      return containerStatus(p, 'app')?.state?.waiting?.reason === 'ContainerCreating' ? p : undefined;
    });
    expect(pod.status?.phase).toBe('Pending');
    const event = await eventually('FailedMount event', async () => (await podEvents(client, pod)).find((e) => e.reason === 'FailedMount'));
    expect(event.type).toBe('Warning');
    expect(event.message).toBe('MountVolume.SetUp failed for volume "creds" : secret "nope" not found');
    // Creating the secret lets the pod start on a later sync.
    await client.resource('secret').create({ metadata: { name: 'nope', namespace: 'default' }, data: { key: Buffer.from('v') } });
    await waitRunning(client, 'default', 'badvolume', 40_000);
  });
});
