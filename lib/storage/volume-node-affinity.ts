import type { PersistentVolume } from '../api/generated/index.js';
import { compileNodeSelectorTerm, type Labels } from '../api/node-selector.js';

/**
 * Whether a volume can be used from a node: no nodeAffinity means anywhere, otherwise one of its
 * required terms must match the node (as Kubernetes' CheckNodeAffinity).
 */
export function volumeFitsNode(pv: PersistentVolume, labels: Labels, nodeName: string): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  const errors: string[] = [];
  return (required.nodeSelectorTerms ?? []).some((term) => compileNodeSelectorTerm(term, errors)(labels, nodeName));
}
