import type { Labels } from '../api/node-selector.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../api/generated/index.js';
import { selectorFromLabelSelector, LabelSelectorError } from '../labels/selector.js';
import { parseQuantity, type Quantity } from '../quantity.js';
import { claimClassName } from './classes.js';
import { volumeFitsNode } from './volume-node-affinity.js';

/** The node a WaitForFirstConsumer claim's first pod goes to: volumes must be usable from it. */
export interface SelectedNode {
  name: string;
  labels: Labels;
}

function storageOf(value: string | undefined): Quantity | undefined {
  try {
    return value === undefined ? undefined : parseQuantity(value);
  } catch {
    return undefined;
  }
}

/** A volume's class: its storageClassName, or the beta annotation that predates it. */
export function volumeClassName(pv: PersistentVolume): string {
  return pv.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pv.spec?.storageClassName ?? '';
}

/** The volume's claimRef names this claim (and, once it carries a uid, this very claim). */
export function isVolumeBoundToClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || (ref.namespace ?? '') !== (claim.metadata?.namespace ?? '')) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/**
 * Why a volume cannot serve a claim, or undefined when it can: same class and volume mode,
 * every access mode the claim asks for, at least the storage it requests, and labels its
 * selector matches. Kubernetes' checkVolumeSatisfyClaim plus the selector.
 */
export function volumeMismatch(pv: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  const requested = storageOf(claim.spec?.resources?.requests?.storage);
  const capacity = storageOf(pv.spec?.capacity?.storage);
  if (!requested || !capacity || capacity.cmp(requested) < 0) return 'requested PV is too small';
  if (volumeClassName(pv) !== claimClassName(claim)) return 'storageClassName does not match';
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem')) return 'incompatible volumeMode';
  const offered = new Set(pv.spec?.accessModes ?? []);
  if (!(claim.spec?.accessModes ?? []).every((m) => offered.has(m))) return 'incompatible accessMode';
  if (claim.spec?.selector) {
    try {
      if (!selectorFromLabelSelector(claim.spec.selector).matches(pv.metadata?.labels ?? {})) return 'volume labels do not match the claim selector';
    } catch (err) {
      if (err instanceof LabelSelectorError) return `invalid claim selector: ${err.message}`;
      throw err;
    }
  }
  return undefined;
}

/**
 * Kubernetes' findMatchingVolume: the smallest volume that can serve the claim. A volume
 * pre-bound to the claim (claimRef set by the user) wins when it fits; volumes pre-bound or
 * bound to other claims and volumes not Available are skipped. With a selected node (delayed
 * binding), only volumes usable from that node count.
 */
export function findMatchingVolume(
  claim: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  node?: SelectedNode,
): PersistentVolume | undefined {
  let best: { pv: PersistentVolume; capacity: Quantity } | undefined;
  for (const pv of volumes) {
    if (pv.metadata?.deletionTimestamp) continue;
    if (volumeMismatch(pv, claim) !== undefined) continue;
    if (node && !volumeFitsNode(pv, node.labels, node.name)) continue;
    if (pv.spec?.claimRef) {
      if (isVolumeBoundToClaim(pv, claim)) return pv;
      continue;
    }
    if (pv.status?.phase !== 'Available') continue;
    const capacity = storageOf(pv.spec?.capacity?.storage) as Quantity;
    if (!best || capacity.cmp(best.capacity) < 0) best = { pv, capacity };
  }
  return best?.pv;
}
