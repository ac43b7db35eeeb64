import type { ProjectedVolumeSource, TopologySpreadConstraint, Volume } from '../../../lib/api/generated/index.js';
import { quantityString } from '../../../lib/printers/kinds/common.js';
import { formatLabelSelector } from '../../../lib/printers/labels.js';
import { compareStrings } from '../../../lib/printers/order.js';
import type { DescribeWriter } from './writer.js';

/** A projected volume's sources, one block each, as kubectl prints them. */
function writeProjected(w: DescribeWriter, projected: ProjectedVolumeSource): void {
  w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
  for (const source of projected.sources ?? []) {
    if (source.serviceAccountToken) w.write(2, `TokenExpirationSeconds:\t${source.serviceAccountToken.expirationSeconds ?? 3600}\n`);
    if (source.configMap) w.write(2, `ConfigMapName:\t${source.configMap.name ?? ''}\n    ConfigMapOptional:\t${source.configMap.optional ?? '<nil>'}\n`);
    if (source.secret) w.write(2, `SecretName:\t${source.secret.name ?? ''}\n    SecretOptional:\t${source.secret.optional ?? '<nil>'}\n`);
    if (source.downwardAPI) w.write(2, 'DownwardAPI:\ttrue\n');
  }
}

function writeSource(w: DescribeWriter, volume: Volume): void {
  if (volume.hostPath) {
    w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${volume.hostPath.path ?? ''}\n    HostPathType:\t${volume.hostPath.type ?? '<none>'}\n`);
  } else if (volume.emptyDir) {
    const limit = volume.emptyDir.sizeLimit ? quantityString(volume.emptyDir.sizeLimit) : '0';
    const sizeLimit = limit === '0' ? '<unset>' : limit;
    w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${volume.emptyDir.medium ?? ''}\n    SizeLimit:\t${sizeLimit}\n`);
  } else if (volume.secret) {
    w.write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${volume.secret.secretName ?? ''}\n    Optional:\t${volume.secret.optional ?? false}\n`);
  } else if (volume.configMap) {
    w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${volume.configMap.name ?? ''}\n    Optional:\t${volume.configMap.optional ?? false}\n`);
  } else if (volume.nfs) {
    const nfs = volume.nfs;
    w.write(2, `Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t${nfs.server ?? ''}\n    Path:\t${nfs.path ?? ''}\n    ReadOnly:\t${nfs.readOnly ?? false}\n`);
  } else if (volume.persistentVolumeClaim) {
    const claim = volume.persistentVolumeClaim;
    w.write(
      2,
      `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${claim.claimName ?? ''}\n    ReadOnly:\t${claim.readOnly ?? false}\n`,
    );
  } else if (volume.downwardAPI) {
    w.write(2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
    for (const item of volume.downwardAPI.items ?? []) {
      if (item.fieldRef) w.write(3, `${item.fieldRef.fieldPath ?? ''} -> ${item.path ?? ''}\n`);
      if (item.resourceFieldRef) w.write(3, `${item.resourceFieldRef.resource ?? ''} -> ${item.path ?? ''}\n`);
    }
  } else if (volume.projected) {
    writeProjected(w, volume.projected);
  } else {
    w.write(1, '<unknown>\n');
  }
}

/** `Volumes:` with each volume's source; `space` indents it inside a pod template. */
export function writeVolumes(w: DescribeWriter, volumes: Volume[] | undefined, space = ''): void {
  if (!volumes?.length) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const volume of volumes) {
    w.write(1, `${space ? ' ' : ''}${volume.name ?? ''}:\n`);
    writeSource(w, volume);
  }
}

export function writeTopologySpreadConstraints(w: DescribeWriter, constraints: TopologySpreadConstraint[] | undefined, space = ''): void {
  if (!constraints?.length) return;
  w.write(0, `${space}Topology Spread Constraints:\t`);
  [...constraints]
    .sort((a, b) => compareStrings(a.topologyKey ?? '', b.topologyKey ?? ''))
    .forEach((c, i) => {
      if (i !== 0) w.write(0, `${space}\t`);
      const selector = c.labelSelector ? ` for selector ${formatLabelSelector(c.labelSelector)}` : '';
      w.write(0, `${c.topologyKey ?? ''}:${c.whenUnsatisfiable ?? ''} when max skew ${c.maxSkew ?? 0} is exceeded${selector}\n`);
    });
}
