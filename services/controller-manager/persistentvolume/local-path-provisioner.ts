import { rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import { LOCAL_PATH_PROVISIONER, PROVISIONED_BY_ANNOTATION } from '../../../lib/storage/annotations.js';

/**
 * kubets' dynamic provisioner for node-local directories, as k3s's local-path provisioner: a
 * claim of a class with provisioner `kubets.io/local-path` gets a hostPath volume in
 * `<base dir>/<node>/<volume>_<namespace>_<claim>`, pinned to that node by node affinity.
 *
 * The volume's hostPath type is DirectoryOrCreate, so the kubelet of the node creates the
 * directory when it first mounts it: the provisioner runs in the controller manager, which need
 * not share the node's disk. Deleting a reclaimed volume removes the directory from this
 * machine's disk, which is the node's disk under `kubets up` (every node of a local cluster
 * shares this machine's filesystem); on a node elsewhere the directory is left behind.
 */

const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const SUPPORTED_ACCESS_MODES = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/** Kubernetes names a provisioned volume after its claim's uid. */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata?.uid ?? ''}`;
}

export function localPathDirectory(baseDir: string, nodeName: string, volumeName: string, claim: PersistentVolumeClaim): string {
  return join(resolve(baseDir), nodeName, `${volumeName}_${claim.metadata?.namespace ?? ''}_${claim.metadata?.name ?? ''}`);
}

/** The volume for `claim` on `node`, already pre-bound to the claim (claimRef with its uid). */
export function provisionVolume(claim: PersistentVolumeClaim, sc: StorageClass, node: Node, baseDir: string): PersistentVolume {
  const modes = claim.spec?.accessModes ?? [];
  const unsupported = modes.filter((m) => !SUPPORTED_ACCESS_MODES.has(m));
  if (unsupported.length > 0) {
    throw new ProvisioningError(`${LOCAL_PATH_PROVISIONER} only supports ReadWriteOnce and ReadWriteOncePod access modes, not ${unsupported.join(', ')}`);
  }
  if ((claim.spec?.volumeMode ?? 'Filesystem') !== 'Filesystem') {
    throw new ProvisioningError(`${LOCAL_PATH_PROVISIONER} only supports the Filesystem volume mode`);
  }
  const nodeName = node.metadata?.name ?? '';
  const name = provisionedVolumeName(claim);
  const meta = claim.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [PROVISIONED_BY_ANNOTATION]: LOCAL_PATH_PROVISIONER } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '' },
      accessModes: [...modes],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata?.name ?? '',
      volumeMode: 'Filesystem',
      mountOptions: [...(sc.mountOptions ?? [])],
      hostPath: { path: localPathDirectory(baseDir, nodeName, name, claim), type: 'DirectoryOrCreate' },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [node.metadata?.labels?.[HOSTNAME_LABEL] ?? nodeName] }] }],
        },
      },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '', resourceVersion: meta.resourceVersion ?? '' },
    },
  };
}

/** Whether this provisioner made the volume, and so deletes it when it is reclaimed. */
export function isLocalPathVolume(pv: PersistentVolume): boolean {
  return pv.metadata?.annotations?.[PROVISIONED_BY_ANNOTATION] === LOCAL_PATH_PROVISIONER;
}

/**
 * Removes a reclaimed volume's directory. Only a directory strictly inside the base dir is
 * touched, so a volume edited to point elsewhere cannot make the provisioner delete it.
 */
export async function deleteLocalPathDirectory(pv: PersistentVolume, baseDir: string): Promise<void> {
  const path = pv.spec?.hostPath?.path ?? '';
  const base = resolve(baseDir) + sep;
  const target = resolve(path);
  if (!target.startsWith(base)) throw new ProvisioningError(`volume path ${JSON.stringify(path)} is not inside ${resolve(baseDir)}; not deleting it`);
  await rm(target, { recursive: true, force: true });
}
