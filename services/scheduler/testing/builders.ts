/**
 * Test builders for pods and nodes, in the style of kube-scheduler's st.MakePod()/MakeNode():
 *   makePod('p').req({ cpu: '500m' }).toleration({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }).obj()
 *   makeNode('n').capacity({ cpu: '4', memory: '8Gi' }).label('zone', 'a').taint('dedicated', 'gpu').obj()
 */
import type {
  Container,
  LabelSelector,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodAffinityTerm,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from '../../../lib/api/generated/index.js';

type ResourceMap = Record<string, string>;

let sequence = 0;
const EPOCH = Date.UTC(2024, 0, 1);

/** A LabelSelector from `{app: 'web'}` (matchLabels) or a full selector. */
function toSelector(sel: Record<string, string> | LabelSelector): LabelSelector {
  return 'matchLabels' in sel || 'matchExpressions' in sel ? (sel as LabelSelector) : { matchLabels: sel as Record<string, string> };
}

class PodBuilder {
  readonly #pod: Pod;
  readonly #containers: Container[] = [];
  readonly #initContainers: Container[] = [];

  constructor(name: string, namespace: string) {
    sequence++;
    this.#pod = {
      metadata: {
        name,
        namespace,
        uid: `${namespace}-${name}-uid`,
        creationTimestamp: new Date(EPOCH + sequence * 1000).toISOString(),
        labels: {},
      },
      spec: {},
      status: { phase: 'Pending' },
    };
  }

  get #spec() {
    return this.#pod.spec as NonNullable<Pod['spec']>;
  }
  get #meta() {
    return this.#pod.metadata as NonNullable<Pod['metadata']>;
  }

  namespace(ns: string): this {
    this.#meta.namespace = ns;
    this.#meta.uid = `${ns}-${this.#meta.name}-uid`;
    return this;
  }
  uid(uid: string): this {
    this.#meta.uid = uid;
    return this;
  }
  label(key: string, value: string): this {
    (this.#meta.labels as Record<string, string>)[key] = value;
    return this;
  }
  labels(labels: Record<string, string>): this {
    Object.assign(this.#meta.labels as Record<string, string>, labels);
    return this;
  }
  creationTimestamp(iso: string): this {
    this.#meta.creationTimestamp = iso;
    return this;
  }
  terminating(): this {
    this.#meta.deletionTimestamp = new Date(EPOCH).toISOString();
    return this;
  }
  /** Adds a container requesting `requests` (limits default to nothing). */
  req(requests: ResourceMap, image?: string): this {
    this.#containers.push({ name: `c${this.#containers.length}`, image: image ?? 'busybox:1.36', resources: { requests } });
    return this;
  }
  /** Adds a container with only limits (the API defaults requests to them). */
  limits(limits: ResourceMap): this {
    this.#containers.push({ name: `c${this.#containers.length}`, image: 'busybox:1.36', resources: { limits } });
    return this;
  }
  initReq(requests: ResourceMap): this {
    this.#initContainers.push({ name: `init${this.#initContainers.length}`, image: 'busybox:1.36', resources: { requests } });
    return this;
  }
  container(image: string): this {
    this.#containers.push({ name: `c${this.#containers.length}`, image });
    return this;
  }
  hostPort(port: number, protocol = 'TCP', hostIP = ''): this {
    this.#containers.push({
      name: `c${this.#containers.length}`,
      image: 'busybox:1.36',
      ports: [{ containerPort: port, hostPort: port, protocol, hostIP }],
    });
    return this;
  }
  node(nodeName: string): this {
    this.#spec.nodeName = nodeName;
    return this;
  }
  priority(p: number): this {
    this.#spec.priority = p;
    return this;
  }
  preemptionPolicy(policy: 'Never' | 'PreemptLowerPriority'): this {
    this.#spec.preemptionPolicy = policy;
    return this;
  }
  schedulerName(name: string): this {
    this.#spec.schedulerName = name;
    return this;
  }
  nominatedNodeName(name: string): this {
    (this.#pod.status as NonNullable<Pod['status']>).nominatedNodeName = name;
    return this;
  }
  startTime(iso: string): this {
    (this.#pod.status as NonNullable<Pod['status']>).startTime = iso;
    return this;
  }
  toleration(t: Toleration): this {
    (this.#spec.tolerations ??= []).push(t);
    return this;
  }
  nodeSelector(selector: Record<string, string>): this {
    this.#spec.nodeSelector = { ...(this.#spec.nodeSelector ?? {}), ...selector };
    return this;
  }
  /** Adds one required NodeSelectorTerm (terms are ORed). */
  nodeAffinityTerm(matchExpressions: NodeSelectorRequirement[], matchFields: NodeSelectorRequirement[] = []): this {
    const na = this.#nodeAffinity();
    na.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] };
    const term: NodeSelectorTerm = {};
    if (matchExpressions.length) term.matchExpressions = matchExpressions;
    if (matchFields.length) term.matchFields = matchFields;
    (na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms ??= []).push(term);
    return this;
  }
  nodeAffinityIn(key: string, values: string[]): this {
    return this.nodeAffinityTerm([{ key, operator: 'In', values }]);
  }
  preferredNodeAffinity(weight: number, matchExpressions: NodeSelectorRequirement[]): this {
    (this.#nodeAffinity().preferredDuringSchedulingIgnoredDuringExecution ??= []).push({ weight, preference: { matchExpressions } });
    return this;
  }
  podAffinity(topologyKey: string, selector: Record<string, string> | LabelSelector, extra: Partial<PodAffinityTerm> = {}): this {
    const pa = (this.#affinity().podAffinity ??= {});
    (pa.requiredDuringSchedulingIgnoredDuringExecution ??= []).push({ topologyKey, labelSelector: toSelector(selector), ...extra });
    return this;
  }
  podAntiAffinity(topologyKey: string, selector: Record<string, string> | LabelSelector, extra: Partial<PodAffinityTerm> = {}): this {
    const pa = (this.#affinity().podAntiAffinity ??= {});
    (pa.requiredDuringSchedulingIgnoredDuringExecution ??= []).push({ topologyKey, labelSelector: toSelector(selector), ...extra });
    return this;
  }
  preferredPodAffinity(weight: number, topologyKey: string, selector: Record<string, string> | LabelSelector): this {
    const pa = (this.#affinity().podAffinity ??= {});
    (pa.preferredDuringSchedulingIgnoredDuringExecution ??= []).push({
      weight,
      podAffinityTerm: { topologyKey, labelSelector: toSelector(selector) },
    });
    return this;
  }
  preferredPodAntiAffinity(weight: number, topologyKey: string, selector: Record<string, string> | LabelSelector): this {
    const pa = (this.#affinity().podAntiAffinity ??= {});
    (pa.preferredDuringSchedulingIgnoredDuringExecution ??= []).push({
      weight,
      podAffinityTerm: { topologyKey, labelSelector: toSelector(selector) },
    });
    return this;
  }
  spreadConstraint(
    maxSkew: number,
    topologyKey: string,
    whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway',
    selector: Record<string, string> | LabelSelector,
    extra: Partial<TopologySpreadConstraint> = {},
  ): this {
    (this.#spec.topologySpreadConstraints ??= []).push({
      maxSkew,
      topologyKey,
      whenUnsatisfiable,
      labelSelector: toSelector(selector),
      ...extra,
    });
    return this;
  }

  #affinity() {
    return (this.#spec.affinity ??= {});
  }
  #nodeAffinity() {
    return (this.#affinity().nodeAffinity ??= {});
  }

  /** A volume named after the claim it mounts. */
  claim(claimName: string): this {
    (this.#spec.volumes ??= []).push({ name: claimName, persistentVolumeClaim: { claimName } });
    return this;
  }

  obj(): Pod {
    const containers = this.#containers.length ? this.#containers : [{ name: 'c0', image: 'busybox:1.36' }];
    const pod = structuredClone(this.#pod);
    (pod.spec as NonNullable<Pod['spec']>).containers = structuredClone(containers);
    if (this.#initContainers.length) (pod.spec as NonNullable<Pod['spec']>).initContainers = structuredClone(this.#initContainers);
    return pod;
  }
}

class NodeBuilder {
  readonly #node: Node;

  constructor(name: string) {
    this.#node = {
      metadata: { name, uid: `node-${name}-uid`, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
      status: {
        capacity: { pods: '110' },
        allocatable: { pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
  }

  get #status() {
    return this.#node.status as NonNullable<Node['status']>;
  }

  /** Sets capacity and allocatable alike (pods stay at 110 unless given). */
  capacity(resources: ResourceMap): this {
    Object.assign(this.#status.capacity as ResourceMap, resources);
    Object.assign(this.#status.allocatable as ResourceMap, resources);
    return this;
  }
  allocatable(resources: ResourceMap): this {
    Object.assign(this.#status.allocatable as ResourceMap, resources);
    return this;
  }
  label(key: string, value: string): this {
    (this.#node.metadata?.labels as Record<string, string>)[key] = value;
    return this;
  }
  labels(labels: Record<string, string>): this {
    Object.assign(this.#node.metadata?.labels as Record<string, string>, labels);
    return this;
  }
  taint(key: string, value = '', effect: Taint['effect'] = 'NoSchedule'): this {
    const spec = this.#node.spec as NonNullable<Node['spec']>;
    (spec.taints ??= []).push({ key, value, effect });
    return this;
  }
  unschedulable(): this {
    (this.#node.spec as NonNullable<Node['spec']>).unschedulable = true;
    return this;
  }
  /** The Ready condition's status; `undefined` removes the condition. */
  ready(status: 'True' | 'False' | 'Unknown' | undefined): this {
    this.#status.conditions = status ? [{ type: 'Ready', status }] : [];
    return this;
  }
  image(names: string[], sizeBytes: number): this {
    (this.#status.images ??= []).push({ names, sizeBytes });
    return this;
  }

  obj(): Node {
    return structuredClone(this.#node);
  }
}

export function makePod(name: string, namespace = 'default'): PodBuilder {
  return new PodBuilder(name, namespace);
}

export function makeNode(name: string): NodeBuilder {
  return new NodeBuilder(name);
}
