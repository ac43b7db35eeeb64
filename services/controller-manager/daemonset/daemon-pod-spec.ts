import type { Affinity, DaemonSet, Node, Pod, PodSpec, Toleration } from '../../../lib/api/generated/index.js';
import { RequiredNodeAffinity } from '../../../lib/api/node-selector.js';
import {
  TAINT_NO_EXECUTE,
  TAINT_NO_SCHEDULE,
  TAINT_NODE_NOT_READY,
  TAINT_NODE_UNREACHABLE,
  TAINT_NODE_UNSCHEDULABLE,
  findUntoleratedTaint,
} from '../../../lib/api/taints.js';

// Where a DaemonSet's pods belong, as Kubernetes' daemon controller decides it: the pod it would
// make for a node (its template plus the daemon tolerations, pinned to the node by affinity) must
// fit that node's name, node affinity and taints.

const NODE_NAME_FIELD = 'metadata.name';

/**
 * The tolerations Kubernetes adds to every daemon pod: a daemon keeps running on a node that is
 * not ready or unreachable (it is often what makes the node work), and is placed on nodes under
 * pressure or cordoned. Host-network daemons also go on nodes whose pod network is not up yet.
 */
function daemonTolerations(spec: PodSpec): Toleration[] {
  const tolerations: Toleration[] = [
    { key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: TAINT_NO_EXECUTE },
    { key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: TAINT_NO_EXECUTE },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: TAINT_NO_SCHEDULE },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: TAINT_NO_SCHEDULE },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: TAINT_NO_SCHEDULE },
    { key: TAINT_NODE_UNSCHEDULABLE, operator: 'Exists', effect: TAINT_NO_SCHEDULE },
  ];
  if (spec.hostNetwork) tolerations.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: TAINT_NO_SCHEDULE });
  return tolerations;
}

/** Kubernetes' AddOrUpdateDaemonPodTolerations: the template's own tolerations, then each daemon toleration not already there. */
function withDaemonTolerations(spec: PodSpec): Toleration[] {
  const own = spec.tolerations ?? [];
  const same = (a: Toleration, b: Toleration): boolean =>
    (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.effect ?? '') === (b.effect ?? '') && (a.value ?? '') === (b.value ?? '');
  return [...own.map((t) => ({ ...t })), ...daemonTolerations(spec).filter((d) => !own.some((t) => same(t, d)))];
}

/**
 * Kubernetes' ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the one
 * term `metadata.name In [node]`, so the scheduler binds the pod to exactly that node while every
 * other placement rule (resources, ports) still applies. Preferred terms and pod affinity stay.
 */
function pinnedToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: NODE_NAME_FIELD, operator: 'In', values: [nodeName] }] }] };
  return { ...affinity, nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required } };
}

/** The spec of the daemon pod for a node: the template's, with the daemon tolerations and pinned to the node. */
export function daemonPodSpec(ds: DaemonSet, nodeName: string): PodSpec {
  const spec = structuredClone(ds.spec?.template?.spec ?? {});
  spec.tolerations = withDaemonTolerations(spec);
  spec.affinity = pinnedToNode(spec.affinity, nodeName);
  return spec;
}

/** The node a daemon pod is for: its spec.nodeName once bound, else the node its affinity pins it to. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const req of term.matchFields ?? []) {
      if (req.key === NODE_NAME_FIELD && req.operator === 'In' && req.values?.length === 1) return req.values[0];
    }
  }
  return undefined;
}

export interface NodePlacement {
  /** A daemon pod should be created here if there is none. */
  shouldRun: boolean;
  /** A daemon pod already here may stay (it tolerates every NoExecute taint). */
  shouldContinueRunning: boolean;
}

const NOWHERE: NodePlacement = { shouldRun: false, shouldContinueRunning: false };

/**
 * Kubernetes' NodeShouldRunDaemonPod. The template's own node affinity and nodeSelector decide
 * (the pod made for the node is pinned to it anyway). A NoSchedule taint the pod does not
 * tolerate keeps new pods off but leaves a running one alone; an untolerated NoExecute taint
 * evicts it.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodePlacement {
  const nodeName = node.metadata?.name ?? '';
  const template = ds.spec?.template?.spec ?? {};
  if (template.nodeName && template.nodeName !== nodeName) return NOWHERE;
  const affinity = new RequiredNodeAffinity(template, []);
  if (!affinity.matches(node.metadata?.labels ?? {}, nodeName)) return NOWHERE;
  const tolerations = withDaemonTolerations(template);
  const taints = node.spec?.taints ?? [];
  const blocking = findUntoleratedTaint(taints, tolerations, (t) => t.effect === TAINT_NO_SCHEDULE || t.effect === TAINT_NO_EXECUTE);
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = findUntoleratedTaint(taints, tolerations, (t) => t.effect === TAINT_NO_EXECUTE);
  return { shouldRun: false, shouldContinueRunning: evicting === undefined };
}
