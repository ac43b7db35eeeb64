import type { Node } from '../../../lib/api/generated/index.js';
import { defaultResourceList } from './quantities.js';

/** Kubernetes' SetDefaults_NodeStatus: a node that reports only capacity can allocate all of it. */
export function defaultNode(node: Node): void {
  const status = node.status;
  if (!status) return;
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
  if (!status.allocatable && status.capacity) status.allocatable = { ...status.capacity };
}
