import type { Json } from './json.js';

// Kubernetes' objects are Go structs, and Go's JSON encoder never leaves out a field whose type is
// a struct (omitempty does not apply to them) nor a field without omitempty: an empty struct
// encodes as `{}`, a zero metav1.Time as null, an int32 without omitempty as 0, a nil slice without
// omitempty as null. So Kubernetes' apiserver writes `strategy: {}`, `resources: {}`, `status: {}`
// and a pod template's `creationTimestamp: null`, and kubectl's generators print them too. Our
// objects come from protobuf, where an unset field is simply absent, so the HTTP API and the
// printers put back these fields of Kubernetes' types, per kind and version.

type Path = readonly string[];
type ZeroField = readonly [path: Path, zero: Json];

/** `[]` in a path stands for every item of a list. */
const EACH = '[]';

/** A PodSpec: each container's ResourceRequirements is a struct. */
const podSpec = (prefix: Path): ZeroField[] =>
  ['containers', 'initContainers'].map((list) => [[...prefix, list, EACH, 'resources'], {}] as const);

/** A PodTemplateSpec: its ObjectMeta (a struct, holding a zero Time) and its PodSpec. */
const podTemplate = (prefix: Path): ZeroField[] => [[[...prefix, 'metadata', 'creationTimestamp'], null], ...podSpec([...prefix, 'spec'])];

const STATUS: ZeroField = [['status'], {}];

/** By kind, or by `apiVersion kind` where a served version's Go type differs from the stored one's. */
const BY_TYPE: Record<string, readonly ZeroField[]> = {
  Pod: [...podSpec(['spec']), STATUS],
  PodTemplate: podTemplate(['template']),
  ReplicationController: [...podTemplate(['spec', 'template']), STATUS],
  ReplicaSet: [...podTemplate(['spec', 'template']), STATUS],
  Deployment: [[['spec', 'strategy'], {}], ...podTemplate(['spec', 'template']), STATUS],
  DaemonSet: [[['spec', 'updateStrategy'], {}], ...podTemplate(['spec', 'template'])],
  StatefulSet: [[['spec', 'updateStrategy'], {}], ...podTemplate(['spec', 'template'])],
  Job: [...podTemplate(['spec', 'template']), STATUS],
  CronJob: [[['spec', 'jobTemplate', 'metadata', 'creationTimestamp'], null], ...podTemplate(['spec', 'jobTemplate', 'spec', 'template']), STATUS],
  Service: [[['spec'], {}], [['status', 'loadBalancer'], {}]],
  Namespace: [[['spec'], {}], STATUS],
  PersistentVolumeClaim: [STATUS],
  // autoscaling/v2: desiredReplicas and currentMetrics have no omitempty.
  HorizontalPodAutoscaler: [
    [['status', 'currentMetrics'], null],
    [['status', 'desiredReplicas'], 0],
  ],
  // autoscaling/v1: currentReplicas and desiredReplicas have no omitempty.
  'autoscaling/v1 HorizontalPodAutoscaler': [
    [['status', 'currentReplicas'], 0],
    [['status', 'desiredReplicas'], 0],
  ],
};

function isRecord(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `path` to `zero` where it is missing, making the structs on the way; lists are walked, never made. */
function fill(node: Json, path: Path, zero: Json): void {
  const [head, ...rest] = path;
  if (head === EACH) {
    if (Array.isArray(node)) for (const item of node) fill(item, rest, zero);
    return;
  }
  if (!isRecord(node) || head === undefined) return;
  if (rest.length === 0) {
    if (node[head] === undefined) node[head] = structuredClone(zero);
    return;
  }
  if (node[head] === undefined && rest[0] !== EACH) node[head] = {};
  fill(node[head]!, rest, zero);
}

/** The object's JSON with the zero fields Go's encoder writes for its kind and version (changed in place). */
export function withGoZeroStructs<T extends Json>(type: { apiVersion: string; kind: string }, json: T): T {
  for (const [path, zero] of BY_TYPE[`${type.apiVersion} ${type.kind}`] ?? BY_TYPE[type.kind] ?? []) fill(json, path, zero);
  return json;
}
