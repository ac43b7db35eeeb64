import type { Lease, Node, Pod } from '../../../lib/api/generated/index.js';
import { Quantity, parseQuantity } from '../../../lib/quantity.js';
import { age } from '../../../lib/printers/duration.js';
import { quantityString } from '../../../lib/printers/kinds/common.js';
import { nodeRoles } from '../../../lib/printers/kinds/nodes.js';
import { compareStrings } from '../../../lib/printers/order.js';
import type { DescribeOptions } from './pod.js';
import { podRequestsAndLimits, totalRequestsAndLimits, type ResourceTotals } from './pod-resources.js';
import { writeAnnotations, writeEvents, writeLabels, writeTaints } from './sections.js';
import { DescribeWriter, formatTime } from './writer.js';

export interface DescribeNodeOptions extends DescribeOptions {
  /** The pods bound to the node (kubectl lists them with spec.nodeName=<node>); terminated ones are skipped. */
  pods: readonly Pod[];
  /** The node's heartbeat Lease (kube-node-lease/<node>), if the cluster keeps one. */
  lease?: Lease;
  /** Why the Lease could not be read, when it could not. */
  leaseError?: string;
}

const ZERO = Quantity.fromValue(0);

function quantity(value: string | undefined): Quantity {
  if (!value) return ZERO;
  try {
    return parseQuantity(value);
  } catch {
    return ZERO;
  }
}

/** A share of the node in whole percent, truncated; 0 when the node has none of the resource. */
function percent(used: Quantity, allocatable: Quantity, milli: boolean): number {
  const whole = milli ? Number(allocatable.milliValue()) : Number(allocatable.value());
  if (whole === 0) return 0;
  const part = milli ? Number(used.milliValue()) : Number(used.value());
  return Math.trunc((part / whole) * 100);
}

function usage(totals: ResourceTotals, name: string, allocatable: Record<string, string>): string {
  const used = totals.get(name) ?? ZERO;
  return `${used.toString()} (${percent(used, quantity(allocatable[name]), name === 'cpu')}%)`;
}

function writeResourceList(w: DescribeWriter, title: string, list: Record<string, string> | undefined): void {
  const names = Object.keys(list ?? {}).sort(compareStrings);
  if (names.length === 0) return;
  w.write(0, `${title}:\n`);
  for (const name of names) w.write(0, `  ${name}:\t${quantityString(list![name])}\n`);
}

const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods']);

function writeNodeResources(w: DescribeWriter, node: Node, allPods: readonly Pod[], now: Date | number): void {
  const pods = allPods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const allocatable = Object.keys(node.status?.allocatable ?? {}).length > 0 ? node.status!.allocatable! : (node.status?.capacity ?? {});
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  for (const pod of pods) {
    const { requests, limits } = podRequestsAndLimits(pod);
    const cells = [usage(requests, 'cpu', allocatable), usage(limits, 'cpu', allocatable), usage(requests, 'memory', allocatable), usage(limits, 'memory', allocatable)];
    w.write(1, `${pod.metadata?.namespace ?? ''}\t${pod.metadata?.name ?? ''}\t\t${cells.join('\t')}\t${age(pod.metadata?.creationTimestamp, now)}\n`);
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const totals = totalRequestsAndLimits(pods);
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    w.write(1, `${name}\t${usage(totals.requests, name, allocatable)}\t${usage(totals.limits, name, allocatable)}\n`);
  }
  const names = Object.keys(allocatable).sort(compareStrings);
  for (const name of names.filter((n) => n.startsWith('hugepages-'))) {
    w.write(1, `${name}\t${usage(totals.requests, name, allocatable)}\t${usage(totals.limits, name, allocatable)}\n`);
  }
  for (const name of names.filter((n) => !n.startsWith('hugepages-') && !STANDARD_RESOURCES.has(n))) {
    w.write(1, `${name}\t${(totals.requests.get(name) ?? ZERO).toString()}\t${(totals.limits.get(name) ?? ZERO).toString()}\n`);
  }
}

/** `kubectl describe node`: the node, the pods on it and what they have claimed of it. */
export function describeNode(node: Node, options: DescribeNodeOptions): string {
  const w = new DescribeWriter();
  const meta = node.metadata ?? {};
  const status = node.status ?? {};
  const info = status.nodeInfo ?? {};
  w.write(0, `Name:\t${meta.name ?? ''}\n`);
  w.write(0, `Roles:\t${nodeRoles(node).join(',') || '<none>'}\n`);
  writeLabels(w, 'Labels', meta.labels);
  writeAnnotations(w, 'Annotations', meta.annotations);
  w.write(0, `CreationTimestamp:\t${formatTime(meta.creationTimestamp)}\n`);
  writeTaints(w, 'Taints', node.spec?.taints);
  w.write(0, `Unschedulable:\t${node.spec?.unschedulable ?? false}\n`);
  if (options.lease) {
    const spec = options.lease.spec ?? {};
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${spec.holderIdentity ?? '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${spec.acquireTime ? formatTime(spec.acquireTime) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${spec.renewTime ? formatTime(spec.renewTime) : '<unset>'}\n`);
  } else if (options.leaseError) {
    w.write(0, `Lease:\tFailed to get lease: ${options.leaseError}\n`);
  }
  if (status.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of status.conditions) {
      w.write(1, `${c.type ?? ''} \t${c.status ?? ''} \t${formatTime(c.lastHeartbeatTime)} \t${formatTime(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }
  w.write(0, 'Addresses:\n');
  for (const a of status.addresses ?? []) w.write(1, `${a.type ?? ''}:\t${a.address ?? ''}\n`);
  writeResourceList(w, 'Capacity', status.capacity);
  writeResourceList(w, 'Allocatable', status.allocatable);
  w.write(0, 'System Info:\n');
  const system: Array<[string, string | undefined]> = [
    ['Machine ID', info.machineID],
    ['System UUID', info.systemUUID],
    ['Boot ID', info.bootID],
    ['Kernel Version', info.kernelVersion],
    ['OS Image', info.osImage],
    ['Operating System', info.operatingSystem],
    ['Architecture', info.architecture],
    ['Container Runtime Version', info.containerRuntimeVersion],
    ['Kubelet Version', info.kubeletVersion],
    ['Kube-Proxy Version', info.kubeProxyVersion],
  ];
  for (const [label, value] of system) w.write(0, `  ${label}:\t${value ?? ''}\n`);
  if (node.spec?.podCIDR) w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if (node.spec?.podCIDRs?.length) w.write(0, `PodCIDRs:\t${node.spec.podCIDRs.join(',')}\n`);
  if (node.spec?.providerID) w.write(0, `ProviderID:\t${node.spec.providerID}\n`);
  writeNodeResources(w, node, options.pods, options.now);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
