import { Code, Status } from './status.js';

/**
 * Why each node was rejected. Nodes without an entry share `absentStatus` (kube-scheduler's
 * NodeToStatus): nodes never evaluated, or all nodes when PreFilter rejected the pod.
 */
export class NodeToStatus {
  readonly #statuses = new Map<string, Status>();
  absentStatus: Status = new Status(Code.UnschedulableAndUnresolvable, []);

  set(nodeName: string, status: Status): void {
    this.#statuses.set(nodeName, status);
  }

  get(nodeName: string): Status {
    return this.#statuses.get(nodeName) ?? this.absentStatus;
  }

  get size(): number {
    return this.#statuses.size;
  }

  entries(): IterableIterator<[string, Status]> {
    return this.#statuses.entries();
  }
}

/** The details of a failed scheduling attempt. */
export class Diagnosis {
  readonly nodeToStatus = new NodeToStatus();
  /** Plugins that rejected the pod somewhere: only events they care about requeue it. */
  readonly unschedulablePlugins = new Set<string>();
  preFilterMsg = '';
  postFilterMsg = '';

  addPluginStatus(status: Status): void {
    if (status.plugin && status.isRejected()) this.unschedulablePlugins.add(status.plugin);
  }
}

const NO_NODE_AVAILABLE_MSG = (numAllNodes: number): string => `0/${numAllNodes} nodes are available`;

/**
 * The pod fits no node. `message` is kube-scheduler's FitError text, word for word:
 * `0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.`
 * followed by the preemption outcome. Reasons are counted over nodes and the "count reason"
 * strings sorted as Go's sort.Strings does (byte order: "2 node(s)..." before "3 Insufficient
 * cpu", and "10 x" before "9 y").
 */
export class FitError extends Error {
  override readonly name = 'FitError';

  constructor(
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super(fitErrorMessage(numAllNodes, diagnosis));
  }
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `${NO_NODE_AVAILABLE_MSG(numAllNodes)}:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const histogram = reasonHistogram(numAllNodes, d.nodeToStatus);
    if (histogram.length > 0) msg += ` ${histogram.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

function reasonHistogram(numAllNodes: number, statuses: NodeToStatus): string[] {
  const counts = new Map<string, number>();
  for (const [, status] of statuses.entries()) {
    for (const r of status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const absent = numAllNodes - statuses.size;
  if (absent > 0) {
    for (const r of statuses.absentStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
  }
  const lines = [...counts].map(([reason, n]) => `${n} ${reason}`);
  return lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
