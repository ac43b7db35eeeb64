import type { JsonValue } from './go-values.js';

// kubectl prints objects from Go structs, and Go's JSON encoder never leaves out a field whose
// type is a struct (omitempty does not apply to them): an empty one prints as `{}`, a zero
// metav1.Time as null. So `kubectl create deployment --dry-run=client -o yaml` shows
// `strategy: {}`, `resources: {}`, `status: {}` and `creationTimestamp: null` in the pod template,
// and `kubectl get -o yaml` shows `resources: {}` for a container without any. Our objects come
// from protobuf, where an unset message field is simply absent, so the printers put back the
// struct-typed fields of Kubernetes' types that kubectl would show, per kind.

type Path = readonly string[];
type ZeroField = readonly [path: Path, zero: JsonValue];

/** `[]` in a path stands for every item of a list. */
const EACH = '[]';

const podSpec = (prefix: Path): ZeroField[] =>
  ['containers', 'initContainers'].map((list) => [[...prefix, list, EACH, 'resources'], {}] as const);

/** A PodTemplateSpec: its ObjectMeta (a struct, holding a zero Time) and its PodSpec. */
const podTemplate = (prefix: Path): ZeroField[] => [[[...prefix, 'metadata', 'creationTimestamp'], null], ...podSpec([...prefix, 'spec'])];

const STATUS: ZeroField = [['status'], {}];

const BY_KIND: Record<string, readonly ZeroField[]> = {
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
  HorizontalPodAutoscaler: [
    [['status', 'currentMetrics'], null],
    [['status', 'desiredReplicas'], 0],
  ],
};

function isRecord(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `path` to `zero` where it is missing, making the structs on the way; lists are walked, never made. */
function fill(node: JsonValue, path: Path, zero: JsonValue): void {
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

/** The object's JSON with the empty structs kubectl prints for its kind (changed in place). */
export function withGoZeroStructs(kind: string, json: JsonValue): JsonValue {
  for (const [path, zero] of BY_KIND[kind] ?? []) fill(json, path, zero);
  return json;
}
