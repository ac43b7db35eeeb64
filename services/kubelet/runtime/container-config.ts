import type { ContainerCreateOptions, HostConfig, PortMap } from 'dockerode';
import type { Container, Pod, PodSecurityContext, SecurityContext } from '../../../lib/api/generated/index.js';
import { podDNS, podDomainname, podHostname, type ClusterDNSConfig } from './dns.js';
import { containerLabels, dockerContainerName, hashContainer, SANDBOX_CONTAINER_NAME, type ContainerOwner, type PodIdentity } from './labels.js';
import type { QOSClass } from './qos.js';
import { dockerResources, SANDBOX_OOM_SCORE_ADJ } from './resources.js';
import type { ContainerOptions } from './types.js';
import { DEFAULT_CONTAINER_LOG_ROTATION, logConfig, type ContainerLogRotation } from './log-rotation.js';

export const DEFAULT_GRACE_PERIOD_SECONDS = 30;

export function podIdentity(pod: Pod): PodIdentity {
  return { uid: pod.metadata?.uid ?? '', name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace || 'default' };
}

export function podGracePeriodSeconds(pod: Pod): number {
  return pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
}

interface SandboxConfigInput {
  pod: Pod;
  attempt: number;
  owner: ContainerOwner;
  dns: ClusterDNSConfig;
  pauseImage: string;
  /** The Docker network pods join (`bridge` by default). */
  network: string;
  /** See oomScoreFloor. */
  minOomScoreAdj: number;
  logRotation?: ContainerLogRotation;
}

/**
 * The pause container owns the pod's network and IPC namespaces. Its DNS settings are the pod's
 * resolver: Docker refuses DNS options on containers that join another's network, and without them
 * it would copy the host's resolver (README, network safety: DNS).
 */
export function sandboxCreateOptions(input: SandboxConfigInput): ContainerCreateOptions {
  const { pod } = input;
  const identity = podIdentity(pod);
  const hostNetwork = Boolean(pod.spec?.hostNetwork);
  const dns = podDNS(pod, input.dns);
  const { exposed, bindings } = hostPorts(pod);
  const domainname = podDomainname(pod, input.dns.clusterDomain);
  return {
    name: dockerContainerName(SANDBOX_CONTAINER_NAME, identity, input.attempt),
    Image: input.pauseImage,
    // A host-network pod keeps the node's hostname, as in Kubernetes.
    ...(!hostNetwork && { Hostname: podHostname(pod) }),
    ...(!hostNetwork && domainname !== undefined && { Domainname: domainname }),
    Labels: containerLabels({
      pod: identity,
      containerName: SANDBOX_CONTAINER_NAME,
      owner: input.owner,
      restartCount: input.attempt,
      hash: '',
      gracePeriodSeconds: podGracePeriodSeconds(pod),
      type: 'sandbox',
    }),
    ...(Object.keys(exposed).length > 0 && { ExposedPorts: exposed }),
    HostConfig: {
      Init: true,
      IpcMode: 'shareable',
      NetworkMode: hostNetwork ? 'host' : input.network,
      Dns: dns.servers,
      DnsSearch: dns.searches,
      DnsOptions: dns.options,
      ...(Object.keys(bindings).length > 0 && { PortBindings: bindings }),
      OomScoreAdj: Math.max(input.minOomScoreAdj, SANDBOX_OOM_SCORE_ADJ),
      CpuShares: 2,
      RestartPolicy: { Name: 'no' },
      LogConfig: logConfig(input.logRotation ?? DEFAULT_CONTAINER_LOG_ROTATION),
    },
  };
}

/** Ports with a hostPort are published on the pause container, which owns the network namespace. */
function hostPorts(pod: Pod): { exposed: Record<string, object>; bindings: PortMap } {
  const exposed: Record<string, object> = {};
  const bindings: PortMap = {};
  if (pod.spec?.hostNetwork) return { exposed, bindings };
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (!port.hostPort || !port.containerPort) continue;
      const key = `${port.containerPort}/${(port.protocol || 'TCP').toLowerCase()}`;
      exposed[key] = {};
      bindings[key] = [...(bindings[key] ?? []), { HostIp: port.hostIP ?? '', HostPort: String(port.hostPort) }];
    }
  }
  return { exposed, bindings };
}

interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  init: boolean;
  restartCount: number;
  sandboxId: string;
  options: ContainerOptions;
  owner: ContainerOwner;
  qos: QOSClass;
  nodeMemoryBytes: number;
  minOomScoreAdj: number;
  logRotation?: ContainerLogRotation;
}

/**
 * An app or init container joined to the sandbox's network and IPC namespaces. `command` replaces
 * the image's ENTRYPOINT and `args` its CMD, exactly like Docker's own Entrypoint and Cmd fields;
 * `Init: true` puts docker-init in front so SIGTERM ends even a shell that ignores it as PID 1.
 */
/**
 * A securityContext's capabilities, privilege escalation and seccomp profile as Docker applies
 * them: Docker's default seccomp profile is the runtime default, so only Unconfined (the
 * container's, else the pod's) changes it; allowPrivilegeEscalation=false is no-new-privileges.
 */
function linuxSecurity(security: SecurityContext | undefined, podSecurity: PodSecurityContext | undefined): Pick<HostConfig, 'CapAdd' | 'CapDrop' | 'SecurityOpt'> {
  const seccomp = security?.seccompProfile?.type ?? podSecurity?.seccompProfile?.type;
  const opts = [...(security?.allowPrivilegeEscalation === false ? ['no-new-privileges'] : []), ...(seccomp === 'Unconfined' ? ['seccomp=unconfined'] : [])];
  const add = security?.capabilities?.add ?? [];
  const drop = security?.capabilities?.drop ?? [];
  return { ...(add.length > 0 && { CapAdd: add }), ...(drop.length > 0 && { CapDrop: drop }), ...(opts.length > 0 && { SecurityOpt: opts }) };
}

export function containerCreateOptions(input: ContainerConfigInput): ContainerCreateOptions {
  const { pod, container, options } = input;
  const identity = podIdentity(pod);
  const name = container.name ?? '';
  const security = container.securityContext;
  const podSecurity = pod.spec?.securityContext;
  const user = security?.runAsUser ?? podSecurity?.runAsUser;
  const group = security?.runAsGroup ?? podSecurity?.runAsGroup;
  const groups = [...(podSecurity?.supplementalGroups ?? []), ...(podSecurity?.fsGroup !== undefined ? [podSecurity.fsGroup] : [])];
  const namespaceMode = `container:${input.sandboxId}`;
  return {
    name: dockerContainerName(name, identity, input.restartCount),
    Image: container.image,
    ...(options.command.length > 0 && { Entrypoint: options.command }),
    ...(options.args.length > 0 && { Cmd: options.args }),
    Env: options.env.map((e) => `${e.name}=${e.value}`),
    ...(container.workingDir && { WorkingDir: container.workingDir }),
    ...(user !== undefined && { User: group !== undefined ? `${user}:${group}` : String(user) }),
    Tty: Boolean(container.tty),
    OpenStdin: Boolean(container.stdin),
    StdinOnce: Boolean(container.stdinOnce),
    Labels: containerLabels({
      pod: identity,
      containerName: name,
      owner: input.owner,
      restartCount: input.restartCount,
      hash: hashContainer(container),
      gracePeriodSeconds: podGracePeriodSeconds(pod),
      type: input.init ? 'init' : 'app',
    }),
    HostConfig: {
      Init: true,
      NetworkMode: namespaceMode,
      IpcMode: namespaceMode,
      Mounts: options.mounts.map((m) => ({ Type: 'bind', Source: m.hostPath, Target: m.containerPath, ReadOnly: m.readOnly })),
      ...dockerResources(container, input.qos, input.nodeMemoryBytes, input.minOomScoreAdj),
      ...(security?.privileged && { Privileged: true }),
      ...(security?.readOnlyRootFilesystem && { ReadonlyRootfs: true }),
      ...(groups.length > 0 && { GroupAdd: groups.map(String) }),
      ...linuxSecurity(security, podSecurity),
      RestartPolicy: { Name: 'no' },
      LogConfig: logConfig(input.logRotation ?? DEFAULT_CONTAINER_LOG_ROTATION),
    },
  };
}
