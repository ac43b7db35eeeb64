import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { containerCreateOptions, sandboxCreateOptions } from './container-config.js';

const dns = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' };

function pod(spec: Pod['spec']): Pod {
  return { metadata: { uid: 'u1', name: 'web', namespace: 'shop' }, spec };
}

describe('sandboxCreateOptions', () => {
  it('makes a pause container owning DNS, hostname and IPC for the pod', () => {
    const options = sandboxCreateOptions({
      pod: pod({ terminationGracePeriodSeconds: 5, containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] }] }),
      attempt: 2,
      owner: { nodeName: 'n1' },
      dns,
      pauseImage: 'kubets/pause:3.9',
      network: 'bridge',
      minOomScoreAdj: -1000,
    });
    expect(options).toMatchObject({
      name: 'k8s_POD_web_shop_u1_2',
      Image: 'kubets/pause:3.9',
      Hostname: 'web',
      Labels: { 'io.kubets.container.name': 'POD', 'io.kubets.node': 'n1', 'io.kubets.container.restartCount': '2', 'io.kubets.pod.terminationGracePeriod': '5' },
      ExposedPorts: { '80/tcp': {} },
      HostConfig: {
        Init: true,
        IpcMode: 'shareable',
        NetworkMode: 'bridge',
        Dns: ['10.96.0.10'],
        DnsSearch: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        DnsOptions: ['ndots:5'],
        PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
        OomScoreAdj: -998,
      },
    });
  });

  it('keeps the node hostname but still sets the cluster DNS for host-network pods', () => {
    const options = sandboxCreateOptions({ pod: pod({ hostNetwork: true, containers: [] }), attempt: 0, owner: { nodeName: 'n1' }, dns, pauseImage: 'p', network: 'bridge', minOomScoreAdj: 0 });
    expect(options.Hostname).toBeUndefined();
    expect(options.HostConfig).toMatchObject({ NetworkMode: 'host', Dns: ['10.96.0.10'], OomScoreAdj: 0 });
  });
});

describe('containerCreateOptions', () => {
  it('joins the sandbox and maps command, args, env, mounts and resources', () => {
    const container = {
      name: 'app',
      image: 'kubets/busybox:1.36',
      workingDir: '/work',
      resources: { limits: { cpu: '1', memory: '128Mi' } },
      securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true },
    };
    const options = containerCreateOptions({
      pod: pod({ containers: [container] }),
      container,
      init: false,
      restartCount: 3,
      sandboxId: 'sb',
      options: { env: [{ name: 'A', value: '1' }], mounts: [{ hostPath: '/h', containerPath: '/c', readOnly: true }], command: ['sh', '-c'], args: ['echo hi'] },
      owner: { nodeName: 'n1' },
      qos: 'Guaranteed',
      nodeMemoryBytes: 1 << 30,
      minOomScoreAdj: 0,
    });
    expect(options).toMatchObject({
      name: 'k8s_app_web_shop_u1_3',
      Image: 'kubets/busybox:1.36',
      Entrypoint: ['sh', '-c'],
      Cmd: ['echo hi'],
      Env: ['A=1'],
      WorkingDir: '/work',
      User: '1000',
      Labels: { 'io.kubets.container.restartCount': '3', 'io.kubets.container.type': 'app', 'io.kubets.pod.uid': 'u1' },
      HostConfig: {
        Init: true,
        NetworkMode: 'container:sb',
        IpcMode: 'container:sb',
        Mounts: [{ Type: 'bind', Source: '/h', Target: '/c', ReadOnly: true }],
        CpuShares: 1024,
        CpuQuota: 100_000,
        CpuPeriod: 100_000,
        Memory: 134_217_728,
        OomScoreAdj: 0,
        ReadonlyRootfs: true,
      },
    });
    expect(options.Labels?.['io.kubets.container.hash']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('applies capabilities, no-new-privileges and an unconfined seccomp profile from the securityContext', () => {
    const create = (container: Parameters<typeof containerCreateOptions>[0]['container'], podSpec: Parameters<typeof pod>[0] = { containers: [container] }) =>
      containerCreateOptions({
        pod: pod(podSpec),
        container,
        init: false,
        restartCount: 0,
        sandboxId: 'sb',
        options: { env: [], mounts: [], command: [], args: [] },
        owner: { nodeName: 'n1' },
        qos: 'BestEffort',
        nodeMemoryBytes: 1,
        minOomScoreAdj: 0,
      }).HostConfig;
    const restricted = { name: 'app', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } };
    expect(create(restricted)).toMatchObject({ CapAdd: ['NET_BIND_SERVICE'], CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] });
    const plain = { name: 'app', image: 'i' };
    expect(create(plain)).not.toHaveProperty('SecurityOpt');
    expect(create(plain, { containers: [plain], securityContext: { seccompProfile: { type: 'Unconfined' } } })).toMatchObject({ SecurityOpt: ['seccomp=unconfined'] });
  });

  it("leaves the image's ENTRYPOINT and CMD alone when command and args are empty", () => {
    const options = containerCreateOptions({
      pod: pod({ containers: [{ name: 'app' }] }),
      container: { name: 'app', image: 'i' },
      init: true,
      restartCount: 0,
      sandboxId: 'sb',
      options: { env: [], mounts: [], command: [], args: [] },
      owner: { nodeName: 'n1' },
      qos: 'BestEffort',
      nodeMemoryBytes: 1,
      minOomScoreAdj: -1000,
    });
    expect(options).not.toHaveProperty('Entrypoint');
    expect(options).not.toHaveProperty('Cmd');
    expect(options.Labels?.['io.kubets.container.type']).toBe('init');
  });
});
