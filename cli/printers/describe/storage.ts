import type { NodeSelectorRequirement, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../../lib/api/generated/index.js';
import { accessModesString, quantityString, storageClassOf } from '../../../lib/printers/kinds/common.js';
import { compareStrings } from '../../../lib/printers/order.js';
import { isDefaultStorageClass } from '../../../lib/storage/classes.js';
import type { DescribeOptions } from './pod.js';
import { terminatingFor, writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

// kubectl's describers of PersistentVolumes, PersistentVolumeClaims and StorageClasses.

const finalizers = (list: string[] | undefined): string => `[${(list ?? []).join(' ')}]`;

function status(phase: string | undefined, deletionTimestamp: string | undefined, now: Date | number): string {
  return deletionTimestamp ? terminatingFor(deletionTimestamp, now) : (phase ?? '');
}

/** `key in [a b]`, as kubectl prints a node selector requirement. */
function requirementString(r: NodeSelectorRequirement): string {
  const op = (r.operator ?? '').toLowerCase();
  const values = r.values ?? [];
  if (op === 'exists' || op === 'doesnotexist') return `${r.key ?? ''} ${op}`;
  return `${r.key ?? ''} ${op} [${values.join(' ')}]`;
}

function writeVolumeSource(w: DescribeWriter, pv: PersistentVolume): void {
  const spec = pv.spec ?? {};
  w.write(0, 'Source:\n');
  if (spec.hostPath) {
    w.write(2, 'Type:\tHostPath (bare host directory volume)\n');
    w.write(2, `Path:\t${spec.hostPath.path ?? ''}\n`);
    w.write(2, `HostPathType:\t${spec.hostPath.type ?? ''}\n`);
  } else if (spec.local) {
    w.write(2, 'Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n');
    w.write(2, `Path:\t${spec.local.path ?? ''}\n`);
  } else if (spec.nfs) {
    w.write(2, 'Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n');
    w.write(2, `Server:\t${spec.nfs.server ?? ''}\n`);
    w.write(2, `Path:\t${spec.nfs.path ?? ''}\n`);
    w.write(2, `ReadOnly:\t${Boolean(spec.nfs.readOnly)}\n`);
  }
}

export function describePersistentVolume(pv: PersistentVolume, options: DescribeOptions): string {
  const now = options.now ?? Date.now();
  const spec = pv.spec ?? {};
  const meta = pv.metadata ?? {};
  const w = new DescribeWriter();
  w.write(0, `Name:\t${meta.name ?? ''}\n`);
  writeLabels(w, 'Labels', meta.labels);
  writeAnnotations(w, 'Annotations', meta.annotations);
  w.write(0, `Finalizers:\t${finalizers(meta.finalizers)}\n`);
  w.write(0, `StorageClass:\t${storageClassOf(spec.storageClassName || undefined, meta.annotations)}\n`);
  w.write(0, `Status:\t${status(pv.status?.phase, meta.deletionTimestamp, now)}\n`);
  const claim = spec.claimRef;
  w.write(0, `Claim:\t${claim ? `${claim.namespace ?? ''}/${claim.name ?? ''}` : ''}\n`);
  w.write(0, `Reclaim Policy:\t${spec.persistentVolumeReclaimPolicy ?? ''}\n`);
  w.write(0, `Access Modes:\t${accessModesString(spec.accessModes)}\n`);
  w.write(0, `VolumeMode:\t${spec.volumeMode ?? 'Filesystem'}\n`);
  w.write(0, `Capacity:\t${quantityString(spec.capacity?.storage)}\n`);
  const terms = spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) w.write(0, 'Node Affinity:\t<none>\n');
  else {
    w.write(0, 'Node Affinity:\t\n');
    w.write(1, 'Required Terms:\t\n');
    terms.forEach((term, i) => {
      const requirements = [...(term.matchExpressions ?? []), ...(term.matchFields ?? [])].map(requirementString);
      w.write(2, `Term ${i}:\t${requirements.length > 0 ? requirements.join('\n            ') : '<none>'}\n`);
    });
  }
  w.write(0, `Message:\t${pv.status?.message ?? ''}\n`);
  writeVolumeSource(w, pv);
  if (options.events) writeEvents(w, options.events, now);
  return w.toString();
}

/** The pods that mount the claim, as kubectl's "Used By". */
export function podsUsingClaim(claim: PersistentVolumeClaim, pods: readonly Pod[]): string[] {
  const name = claim.metadata?.name ?? '';
  return pods
    .filter((p) => (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name))
    .map((p) => p.metadata?.name ?? '')
    .sort(compareStrings);
}

export function describePersistentVolumeClaim(claim: PersistentVolumeClaim, options: DescribeOptions & { pods?: readonly Pod[] }): string {
  const now = options.now ?? Date.now();
  const meta = claim.metadata ?? {};
  const bound = Boolean(claim.spec?.volumeName);
  const w = new DescribeWriter();
  w.write(0, `Name:\t${meta.name ?? ''}\n`);
  w.write(0, `Namespace:\t${meta.namespace ?? ''}\n`);
  w.write(0, `StorageClass:\t${storageClassOf(claim.spec?.storageClassName, meta.annotations)}\n`);
  w.write(0, `Status:\t${status(claim.status?.phase, meta.deletionTimestamp, now)}\n`);
  w.write(0, `Volume:\t${claim.spec?.volumeName ?? ''}\n`);
  writeLabels(w, 'Labels', meta.labels);
  writeAnnotations(w, 'Annotations', meta.annotations);
  w.write(0, `Finalizers:\t${finalizers(meta.finalizers)}\n`);
  w.write(0, `Capacity:\t${bound ? quantityString(claim.status?.capacity?.storage) : ''}\n`);
  w.write(0, `Access Modes:\t${bound ? accessModesString(claim.status?.accessModes) : ''}\n`);
  w.write(0, `VolumeMode:\t${claim.spec?.volumeMode ?? 'Filesystem'}\n`);
  const users = podsUsingClaim(claim, options.pods ?? []);
  if (users.length === 0) w.write(0, 'Used By:\t<none>\n');
  else users.forEach((name, i) => w.write(0, `${i === 0 ? 'Used By:' : ''}\t${name}\n`));
  if (options.events) writeEvents(w, options.events, now);
  return w.toString();
}

export function describeStorageClass(sc: StorageClass, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const meta = sc.metadata ?? {};
  w.write(0, `Name:\t${meta.name ?? ''}\n`);
  w.write(0, `IsDefaultClass:\t${isDefaultStorageClass(sc) ? 'Yes' : 'No'}\n`);
  const annotations = Object.entries(meta.annotations ?? {}).sort(([a], [b]) => compareStrings(a, b)).map(([k, v]) => `${k}=${v}`);
  w.write(0, `Annotations:\t${annotations.join(',')}\n`);
  w.write(0, `Provisioner:\t${sc.provisioner ?? ''}\n`);
  const parameters = Object.entries(sc.parameters ?? {}).sort(([a], [b]) => compareStrings(a, b)).map(([k, v]) => `${k}=${v}`);
  w.write(0, `Parameters:\t${parameters.length > 0 ? parameters.join(',') : '<none>'}\n`);
  w.write(0, `AllowVolumeExpansion:\t${sc.allowVolumeExpansion === undefined ? '<unset>' : sc.allowVolumeExpansion ? 'True' : 'False'}\n`);
  w.write(0, `MountOptions:\t${(sc.mountOptions ?? []).length > 0 ? `\n${(sc.mountOptions ?? []).map((o) => `  ${o}\n`).join('')}` : '<none>\n'}`);
  w.write(0, `ReclaimPolicy:\t${sc.reclaimPolicy ?? ''}\n`);
  w.write(0, `VolumeBindingMode:\t${sc.volumeBindingMode ?? ''}\n`);
  if (options.events) writeEvents(w, options.events, options.now ?? Date.now());
  return w.toString();
}
