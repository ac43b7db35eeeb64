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

  it('finishes a graceful delete of a busybox pod in well under a second', async () => {
    const { client } = node;
    await create(makePod('quick', NODE, { containers: [{ name: 'sleep', image: BUSYBOX, command: ['sleep', '3600'] }] }));
    await waitRunning(client, 'default', 'quick');
    const started = Date.now();
    const marked = await client.resource('pod').delete('default', 'quick');
    expect(marked.metadata?.deletionTimestamp).toBeTruthy();
    await eventually('pod gone', async () => {
      try {
        await getPod('quick');
        return false;
      } catch {
        return true;
      }
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
