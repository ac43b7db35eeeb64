import type { Node, Taint } from '../../../lib/api/generated/index.js';
import type { Labels } from '../../../lib/api/node-selector.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { normalizedImageName } from './pod-info.js';
import { emptyResource, parseAllocatable, type NodeAllocatable, type Resource } from './resources.js';

const ANY_IP = '0.0.0.0';

/** Host ports in use on a node, by IP; `0.0.0.0` conflicts with every IP (kube-scheduler's HostPortInfo). */
class HostPortInfo {
  readonly #byIP = new Map<string, Map<string, number>>();

  add(p: HostPort): void {
    let ports = this.#byIP.get(p.ip);
    if (!ports) this.#byIP.set(p.ip, (ports = new Map()));
    const key = `${p.protocol}/${p.port}`;
    ports.set(key, (ports.get(key) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const ports = this.#byIP.get(p.ip);
    const key = `${p.protocol}/${p.port}`;
    const n = ports?.get(key);
    if (!ports || n === undefined) return;
    if (n > 1) ports.set(key, n - 1);
    else ports.delete(key);
    if (ports.size === 0) this.#byIP.delete(p.ip);
  }

  conflicts(p: HostPort): boolean {
    const key = `${p.protocol}/${p.port}`;
    if (p.ip === ANY_IP) {
      for (const ports of this.#byIP.values()) if (ports.has(key)) return true;
      return false;
    }
    return !!this.#byIP.get(ANY_IP)?.has(key) || !!this.#byIP.get(p.ip)?.has(key);
  }

  get size(): number {
    let n = 0;
    for (const ports of this.#byIP.values()) n += ports.size;
    return n;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, ports] of this.#byIP) c.#byIP.set(ip, new Map(ports));
    return c;
  }
}

type ReadyState = 'True' | 'False' | 'Unknown';

let generation = 0;
/** A process-wide clock for NodeInfo changes; the snapshot copies only nodes newer than itself. */
function nextGeneration(): number {
  return ++generation;
}

/**
 * A node and what the scheduler knows runs on it (kube-scheduler's NodeInfo): its pods,
 * including assumed ones, the resources they request, the host ports they hold, and the node's
 * parsed labels, taints, allocatable resources and images. `node` is undefined for a node the
 * cache has pods for but no Node object (yet, or any more).
 */
export class NodeInfo {
  node: Node | undefined = undefined;
  labels: Labels = {};
  taints: readonly Taint[] = [];
  unschedulable = false;
  ready: ReadyState = 'Unknown';
  allocatable: NodeAllocatable = { ...emptyResource(), allowedPodNumber: 0 };
  // The hot resource numbers live on the NodeInfo itself rather than in nested objects: the
  // filter reads them for hundreds of nodes per pod, and every extra object is a cache miss.
  allocatableMilliCPU = 0;
  allocatableMemory = 0;
  allocatableEphemeralStorage = 0;
  allowedPodNumber = 0;
  requestedMilliCPU = 0;
  requestedMemory = 0;
  requestedEphemeralStorage = 0;
  requestedScalar: Map<string, number> | undefined = undefined;
  /** Requests with kube-scheduler's defaults for containers that request no cpu/memory. */
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  /** Image name (normalized) → size in bytes. */
  imageSizes: ReadonlyMap<string, number> = new Map();
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  generation = nextGeneration();

  constructor(readonly name: string) {}

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = !!node.spec?.unschedulable;
    const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
    this.ready = ready === 'True' || ready === 'False' ? ready : 'Unknown';
    this.#setAllocatable(parseAllocatable(node.status?.allocatable, node.status?.capacity));
    const images = new Map<string, number>();
    for (const img of node.status?.images ?? []) {
      for (const name of img.names ?? []) images.set(normalizedImageName(name), img.sizeBytes ?? 0);
    }
    this.imageSizes = images;
    this.generation = nextGeneration();
  }

  #setAllocatable(a: NodeAllocatable): void {
    this.allocatable = a;
    this.allocatableMilliCPU = a.milliCPU;
    this.allocatableMemory = a.memory;
    this.allocatableEphemeralStorage = a.ephemeralStorage;
    this.allowedPodNumber = a.allowedPodNumber;
  }

  /** What the pods on the node request, as one Resource (a copy). */
  get requested(): Resource {
    return {
      milliCPU: this.requestedMilliCPU,
      memory: this.requestedMemory,
      ephemeralStorage: this.requestedEphemeralStorage,
      scalar: this.requestedScalar && new Map(this.requestedScalar),
    };
  }

  removeNode(): void {
    this.node = undefined;
    this.generation = nextGeneration();
  }

  addPod(pod: PodInfo): void {
    this.pods.push(pod);
    if (pod.hasAffinity) this.podsWithAffinity.push(pod);
    if (pod.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.push(pod);
    this.#account(pod, 1);
    this.generation = nextGeneration();
  }

  /** Removes the pod with the same uid; false when it is not on this node. */
  removePod(pod: PodInfo): boolean {
    const i = this.pods.findIndex((p) => p.uid === pod.uid);
    if (i < 0) return false;
    const existing = this.pods[i] as PodInfo;
    this.pods.splice(i, 1);
    removeByUid(this.podsWithAffinity, pod.uid);
    removeByUid(this.podsWithRequiredAntiAffinity, pod.uid);
    this.#account(existing, -1);
    this.generation = nextGeneration();
    return true;
  }

  #account(pod: PodInfo, sign: 1 | -1): void {
    const r = pod.requests;
    this.requestedMilliCPU += sign * r.milliCPU;
    this.requestedMemory += sign * r.memory;
    this.requestedEphemeralStorage += sign * r.ephemeralStorage;
    if (r.scalar) {
      const scalar = (this.requestedScalar ??= new Map());
      for (const [name, amount] of r.scalar) scalar.set(name, (scalar.get(name) ?? 0) + sign * amount);
    }
    this.nonZeroMilliCPU += sign * pod.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pod.nonZeroMemory;
    for (const p of pod.hostPorts) {
      if (sign > 0) this.usedPorts.add(p);
      else this.usedPorts.remove(p);
    }
  }

  /** A copy whose pod lists and counters can change without touching this one. */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.copyFrom(this);
    return c;
  }

  /** Makes this a copy of `other` in place (the snapshot keeps its NodeInfo objects). */
  copyFrom(other: NodeInfo): void {
    this.node = other.node;
    this.labels = other.labels;
    this.taints = other.taints;
    this.unschedulable = other.unschedulable;
    this.ready = other.ready;
    this.#setAllocatable(other.allocatable);
    this.imageSizes = other.imageSizes;
    this.pods = other.pods.slice();
    this.podsWithAffinity = other.podsWithAffinity.slice();
    this.podsWithRequiredAntiAffinity = other.podsWithRequiredAntiAffinity.slice();
    this.requestedMilliCPU = other.requestedMilliCPU;
    this.requestedMemory = other.requestedMemory;
    this.requestedEphemeralStorage = other.requestedEphemeralStorage;
    this.requestedScalar = other.requestedScalar && new Map(other.requestedScalar);
    this.nonZeroMilliCPU = other.nonZeroMilliCPU;
    this.nonZeroMemory = other.nonZeroMemory;
    this.usedPorts = other.usedPorts.clone();
    this.generation = other.generation;
  }
}

function removeByUid(list: PodInfo[], uid: string): void {
  const i = list.findIndex((p) => p.uid === uid);
  if (i >= 0) list.splice(i, 1);
}
