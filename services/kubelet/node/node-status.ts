import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type { Condition, Node, NodeStatus } from '../../../lib/api/generated/index.js';
import { VERSION } from '../../../lib/version.js';

export interface NodeIdentity {
  nodeName: string;
  nodeIp: string;
  kubeletPort: number;
  labels?: Record<string, string>;
  /** Pods the node accepts, as kubelet's --max-pods. */
  maxPods: number;
}

export interface HostFacts {
  cpuCores: number;
  memoryBytes: number;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  hostname: string;
  machineID: string;
  bootID: string;
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** What the real host offers, read once at start. */
export function readHostFacts(): HostFacts {
  const osRelease = readTrimmed('/etc/os-release');
  return {
    cpuCores: cpus().length,
    memoryBytes: totalmem(),
    kernelVersion: release(),
    osImage: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux',
    architecture: arch() === 'x64' ? 'amd64' : arch(),
    hostname: hostname(),
    machineID: readTrimmed('/etc/machine-id'),
    bootID: readTrimmed('/proc/sys/kernel/random/boot_id'),
  };
}

/** Kubernetes writes memory in Ki. */
function kibibytes(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

// Kubelet keeps back some memory for the system by default (eviction threshold 100Mi).
const RESERVED_MEMORY_BYTES = 100 * 1024 * 1024;

export interface HealthFacts {
  runtimeUp: boolean;
  runtimeVersion: string;
  runtimeMessage?: string;
}

function condition(type: string, healthy: boolean, reason: string, message: string, previous: Condition[] | undefined, now: string): Condition {
  const status = type === 'Ready' ? (healthy ? 'True' : 'False') : healthy ? 'False' : 'True';
  const before = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now,
  };
}

/** The Node's status as this kubelet sees it now; transition times carried over from `previous`. */
export function buildNodeStatus(id: NodeIdentity, host: HostFacts, health: HealthFacts, previous: NodeStatus | undefined, now: string): NodeStatus {
  const capacity = {
    cpu: String(host.cpuCores),
    memory: kibibytes(host.memoryBytes),
    pods: String(id.maxPods),
    'ephemeral-storage': kibibytes(64 * 2 ** 30),
  };
  const allocatable = { ...capacity, memory: kibibytes(Math.max(0, host.memoryBytes - RESERVED_MEMORY_BYTES)) };
  const prev = previous?.conditions;
  return {
    capacity,
    allocatable,
    conditions: [
      condition('MemoryPressure', true, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', prev, now),
      condition('DiskPressure', true, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', prev, now),
      condition('PIDPressure', true, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', prev, now),
      health.runtimeUp
        ? condition('Ready', true, 'KubeletReady', 'kubelet is posting ready status', prev, now)
        : condition('Ready', false, 'KubeletNotReady', `container runtime is down: ${health.runtimeMessage ?? 'unreachable'}`, prev, now),
    ],
    addresses: [
      { type: 'InternalIP', address: id.nodeIp },
      { type: 'Hostname', address: id.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort } },
    nodeInfo: {
      machineID: host.machineID,
      systemUUID: host.machineID,
      bootID: host.bootID,
      kernelVersion: host.kernelVersion,
      osImage: host.osImage,
      containerRuntimeVersion: health.runtimeVersion,
      kubeletVersion: VERSION,
      kubeProxyVersion: VERSION,
      operatingSystem: 'linux',
      architecture: host.architecture,
    },
  };
}

/** A new Node object for registration, with the well-known labels. */
export function newNode(id: NodeIdentity, host: HostFacts, status: NodeStatus): Node {
  return {
    metadata: {
      name: id.nodeName,
      labels: {
        'kubernetes.io/hostname': id.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': host.architecture,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': host.architecture,
        ...id.labels,
      },
    },
    spec: {},
    status,
  };
}

/**
 * Whether the status this kubelet would report differs from `current` in anything it reports,
 * heartbeat times aside. Fields the kubelet does not report (set by others) are not compared, and
 * key order does not matter, so a status read back from the API compares equal to what was sent.
 */
export function statusChanged(current: NodeStatus | undefined, next: NodeStatus): boolean {
  const withoutHeartbeat = (conditions: Condition[] | undefined): Condition[] | undefined =>
    conditions?.map(({ lastHeartbeatTime: _beat, ...rest }) => rest);
  return (Object.keys(next) as (keyof NodeStatus)[]).some((key) =>
    key === 'conditions'
      ? !isDeepStrictEqual(withoutHeartbeat(current?.conditions), withoutHeartbeat(next.conditions))
      : !isDeepStrictEqual(current?.[key], next[key]),
  );
}
