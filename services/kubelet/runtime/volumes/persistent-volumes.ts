import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { NFSVolumeSource, PersistentVolume, PersistentVolumeClaim } from '../../../../lib/api/generated/index.js';
import { isMountPoint } from './mounts.js';
import { VolumeSourceError } from './projections.js';

const run = promisify(execFile);
/** NFS mounts hang on an unreachable server; give up, report it and let the next sync retry. */
const NFS_MOUNT_TIMEOUT_MS = 30_000;

/** How one claim (or nfs volume) reaches the pod's containers. */
export type MountPlan =
  /** A directory of the node bind-mounted as it is (hostPath and local volumes). */
  | { kind: 'directory'; path: string; hostPathType: string | undefined; local: boolean; readOnly: boolean }
  /** An NFS export mounted on the node under the pod's directory, which is then bind-mounted. */
  | { kind: 'nfs'; source: string; target: string; options: string[]; readOnly: boolean };

/**
 * Kubernetes' volume manager resolves a claim to its volume before it mounts anything, and
 * refuses, with these words, a claim that is missing, being deleted or not bound yet; the pod
 * worker reports them as FailedMount and retries, so a claim bound later still gets mounted.
 */
export function claimMountPlan(
  namespace: string,
  claimName: string,
  claim: PersistentVolumeClaim | undefined,
  pv: PersistentVolume | undefined,
  readOnly: boolean,
  nfsTarget: string,
): MountPlan {
  const what = `error processing PVC ${namespace}/${claimName}`;
  if (!claim) throw new VolumeSourceError(`${what}: failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`);
  if (claim.metadata?.deletionTimestamp) throw new VolumeSourceError(`${what}: can't start pod because PVC ${namespace}/${claimName} is being deleted`);
  const volumeName = claim.spec?.volumeName;
  if (!volumeName || claim.status?.phase !== 'Bound') throw new VolumeSourceError(`${what}: PVC is not bound`);
  if (!pv) throw new VolumeSourceError(`${what}: failed to fetch PV ${volumeName} from API server: persistentvolumes "${volumeName}" not found`);
  const ref = pv.spec?.claimRef;
  if (ref?.uid !== claim.metadata?.uid) throw new VolumeSourceError(`${what}: PV ${volumeName} is not bound to this claim`);
  const spec = pv.spec ?? {};
  if (spec.hostPath) return { kind: 'directory', path: spec.hostPath.path ?? '', hostPathType: spec.hostPath.type, local: false, readOnly };
  if (spec.local) return { kind: 'directory', path: spec.local.path ?? '', hostPathType: undefined, local: true, readOnly };
  if (spec.nfs) return nfsMountPlan(spec.nfs, nfsTarget, readOnly, spec.mountOptions ?? []);
  throw new VolumeSourceError(`PV ${volumeName} has a volume source this kubelet cannot mount (supported: hostPath, local, nfs)`);
}

/** An nfs source (of a volume or of a pod), mounted read-only when either side says so. */
export function nfsMountPlan(source: NFSVolumeSource, target: string, readOnly: boolean, mountOptions: readonly string[] = []): MountPlan {
  const ro = readOnly || Boolean(source.readOnly);
  return { kind: 'nfs', source: `${source.server ?? ''}:${source.path ?? ''}`, target, options: [...mountOptions, ...(ro ? ['ro'] : [])], readOnly: ro };
}

/** The arguments of `mount` for an NFS plan, as Kubernetes' nfs plugin builds them. */
export function nfsMountArgs(plan: Extract<MountPlan, { kind: 'nfs' }>): string[] {
  return ['-t', 'nfs', ...(plan.options.length > 0 ? ['-o', plan.options.join(',')] : []), plan.source, plan.target];
}

/** Mounts the export unless it already is (a sync after a restart finds it there). */
export async function mountNfs(plan: Extract<MountPlan, { kind: 'nfs' }>): Promise<void> {
  await mkdir(plan.target, { recursive: true });
  if (await isMountPoint(plan.target)) return;
  try {
    await run('mount', nfsMountArgs(plan), { timeout: NFS_MOUNT_TIMEOUT_MS });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new VolumeSourceError(`mount failed: ${stderr || (err instanceof Error ? err.message : String(err))}\nMounting command: mount\nMounting arguments: ${nfsMountArgs(plan).join(' ')}`);
  }
}

/** A local volume's path must already be a directory on the node; nothing creates it. */
export async function checkLocalPath(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new VolumeSourceError(`path "${path}" does not exist`);
  if (!info.isDirectory()) throw new VolumeSourceError(`path "${path}" is not a directory`);
}
