import { mkdtemp, readFile, rm, stat, writeFile, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../../../lib/api/generated/index.js';
import { InMemoryObjectSource } from '../../pod-workers/object-source.js';
import { mountPointsUnder, unmountAllUnder } from './mounts.js';
import { TokenManager } from './token-manager.js';
import { PodVolumesError, VolumeManager } from './volume-manager.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'volumes-'));
});
afterEach(async () => {
  await unmountAllUnder(root);
  await rm(root, { recursive: true, force: true });
});

function pod(volumes: NonNullable<Pod['spec']>['volumes']): Pod {
  return { metadata: { uid: 'uid-1', name: 'p', namespace: 'ns' }, spec: { volumes, containers: [{ name: 'c' }] } };
}

describe('VolumeManager (disk-backed volumes)', () => {
  it('sets up emptyDir, hostPath, configMap and downwardAPI volumes and mounts them', async () => {
    const objects = new InMemoryObjectSource().setConfigMap({ metadata: { namespace: 'ns', name: 'cfg' }, data: { 'app.conf': 'x=1' } });
    const manager = new VolumeManager({ rootDir: root, objects });
    const host = join(root, 'host-data');
    const p = pod([
      { name: 'scratch', emptyDir: {} },
      { name: 'data', hostPath: { path: host, type: 'DirectoryOrCreate' } },
      { name: 'config', configMap: { name: 'cfg' } },
      { name: 'info', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
    ]);
    const paths = await manager.setUp(p);
    const scratch = paths.get('scratch')?.hostPath as string;
    expect(scratch).toBe(join(root, 'pods/uid-1/volumes/kubernetes.io~empty-dir/scratch'));
    expect((await stat(scratch)).mode & 0o777).toBe(0o777);
    expect((await stat(host)).isDirectory()).toBe(true);
    expect(await readFile(join(paths.get('config')?.hostPath as string, 'app.conf'), 'utf8')).toBe('x=1');
    expect(await readFile(join(paths.get('info')?.hostPath as string, 'name'), 'utf8')).toBe('p');

    const mounts = await manager.mountsFor(
      p,
      {
        name: 'c',
        volumeMounts: [
          { name: 'scratch', mountPath: '/scratch' },
          { name: 'config', mountPath: '/etc/app' },
          { name: 'data', mountPath: '/data', readOnly: true, subPath: 'sub' },
        ],
      },
      paths,
    );
    expect(mounts).toEqual([
      { hostPath: scratch, containerPath: '/scratch', readOnly: false },
      { hostPath: paths.get('config')?.hostPath, containerPath: '/etc/app', readOnly: true },
      { hostPath: join(host, 'sub'), containerPath: '/data', readOnly: true },
    ]);

    await manager.tearDown('uid-1');
    await expect(stat(join(root, 'pods/uid-1'))).rejects.toThrow();
    expect((await stat(host)).isDirectory()).toBe(true);
  });

  it('reports each failing volume with the kubelet event message', async () => {
    const manager = new VolumeManager({ rootDir: root, objects: new InMemoryObjectSource() });
    const err = await manager.setUp(pod([{ name: 'x', configMap: { name: 'y' } }, { name: 's', secret: { secretName: 'z' } }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PodVolumesError);
    expect((err as PodVolumesError).failures.map((f) => f.message)).toEqual([
      'MountVolume.SetUp failed for volume "x" : configmap "y" not found',
      'MountVolume.SetUp failed for volume "s" : secret "z" not found',
    ]);
  });

  it('checks hostPath types', async () => {
    const manager = new VolumeManager({ rootDir: root, objects: new InMemoryObjectSource() });
    const file = join(root, 'f');
    await writeFile(file, '');
    await expect(manager.setUp(pod([{ name: 'h', hostPath: { path: file, type: 'Directory' } }]))).rejects.toThrow(
      `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${file} is not a directory`,
    );
  });

  it('refuses subPaths that leave the volume', async () => {
    const manager = new VolumeManager({ rootDir: root, objects: new InMemoryObjectSource() });
    const p = pod([{ name: 'scratch', emptyDir: {} }]);
    const paths = await manager.setUp(p);
    const dir = paths.get('scratch')?.hostPath as string;
    await mkdir(join(root, 'outside'));
    await symlink(join(root, 'outside'), join(dir, 'escape'));
    await expect(manager.mountsFor(p, { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath: 'escape' }] }, paths)).rejects.toThrow(
      'resolves outside its volume',
    );
    await expect(manager.mountsFor(p, { name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath: '../x' }] }, paths)).rejects.toThrow("without '..'");
    await expect(manager.mountsFor(p, { name: 'c', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, paths)).rejects.toThrow('cannot find volume "nope"');
  });

  it('lists pod directories on disk', async () => {
    const manager = new VolumeManager({ rootDir: root, objects: new InMemoryObjectSource() });
    expect(await manager.podsOnDisk()).toEqual([]);
    await manager.setUp(pod([{ name: 'scratch', emptyDir: {} }]));
    expect(await manager.podsOnDisk()).toEqual(['uid-1']);
  });
});

describe('VolumeManager (projected volumes)', () => {
  it("writes a pod's token, the cluster CA and its namespace into one memory-backed directory, and renews the token when due", async () => {
    const objects = new InMemoryObjectSource().setConfigMap({ metadata: { namespace: 'ns', name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'CA PEM' } });
    const clock = { now: 0 };
    let issued = 0;
    const tokens = new TokenManager(async (_ns, _name, req) => ({ ...req, status: { token: `token-${++issued}`, expirationTimestamp: new Date(clock.now + 3607_000).toISOString() } }), () => clock.now);
    const manager = new VolumeManager({ rootDir: root, objects, tokens });
    const p = pod([
      {
        name: 'kube-api-access-abcde',
        projected: {
          defaultMode: 0o644,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ]);
    try {
      const dir = (await manager.setUp(p)).get('kube-api-access-abcde')!;
      expect(dir).toEqual({ hostPath: join(root, 'memory-volumes/uid-1/kubernetes.io~projected/kube-api-access-abcde'), readOnly: true });
      const read = (name: string) => readFile(join(dir.hostPath, name), 'utf8');
      expect([await read('token'), await read('ca.crt'), await read('namespace')]).toEqual(['token-1', 'CA PEM', 'ns']);
      await manager.setUp(p);
      expect(await read('token')).toBe('token-1');
      clock.now += 3607_000 * 0.8;
      await manager.setUp(p);
      expect(await read('token')).toBe('token-2');
    } finally {
      await manager.tearDown('uid-1');
    }
  });
});

describe('VolumeManager (the kubelet\'s tmpfs for secrets)', () => {
  it("keeps every pod's secret and projected volumes on one memory-backed mount, and removes a pod's share with the pod", async () => {
    const objects = new InMemoryObjectSource().setSecret({ metadata: { namespace: 'ns', name: 'creds' }, data: { password: Buffer.from('s3cr3t') } });
    const tokens = new TokenManager(async (_ns, _name, req) => ({ ...req, status: { token: 'tok', expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() } }));
    const manager = new VolumeManager({ rootDir: root, objects, tokens });
    const volumes: NonNullable<Pod['spec']>['volumes'] = [
      { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
      { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ];
    const pods = ['uid-a', 'uid-b'].map((uid): Pod => ({ metadata: { uid, name: uid, namespace: 'ns' }, spec: { volumes, containers: [{ name: 'c' }] } }));
    const paths = await Promise.all(pods.map((p) => manager.setUp(p)));

    expect(await mountPointsUnder(root)).toEqual([manager.memoryDir]);
    const mountInfo = await readFile('/proc/self/mountinfo', 'utf8');
    expect(mountInfo.split('\n').find((line) => line.split(' ')[4] === manager.memoryDir)).toMatch(/ - tmpfs /);
    expect((await stat(manager.memoryDir)).mode & 0o777).toBe(0o700);
    for (const [i, p] of paths.entries()) {
      const creds = p.get('creds')!.hostPath;
      expect(creds).toBe(join(manager.memoryDir, `uid-${'ab'[i]}`, 'kubernetes.io~secret', 'creds'));
      expect(await readFile(join(creds, 'password'), 'utf8')).toBe('s3cr3t');
      expect((await stat(join(creds, 'password'))).mode & 0o777).toBe(0o400);
      expect(await readFile(join(p.get('token')!.hostPath, 'token'), 'utf8')).toBe('tok');
    }
    expect((await manager.podsOnDisk()).sort()).toEqual(['uid-a', 'uid-b']);

    await manager.tearDown('uid-a');
    await expect(stat(join(manager.memoryDir, 'uid-a'))).rejects.toThrow();
    expect(await readFile(join(paths[1]!.get('creds')!.hostPath, 'password'), 'utf8')).toBe('s3cr3t');
    expect(await manager.podsOnDisk()).toEqual(['uid-b']);
  });
});
