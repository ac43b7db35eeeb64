import { chmod, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import type { Container, Pod, ProjectedVolumeSource, Volume } from '../../../../lib/api/generated/index.js';
import { memoryBytes } from '../../../../lib/quantity.js';
import type { PodObjectSource } from '../../pod-workers/object-source.js';
import { ContainerConfigError } from '../errors.js';
import type { Mount } from '../types.js';
import { writeAtomically } from './atomic-writer.js';
import { setUpHostPath } from './host-path.js';
import { mountTmpfs, unmountAllUnder } from './mounts.js';
import { checkLocalPath, claimMountPlan, mountNfs, nfsMountPlan, type MountPlan } from './persistent-volumes.js';
import type { FileProjection } from './atomic-writer.js';
import { configMapPayload, downwardAPIPayload, secretPayload } from './projections.js';
import type { TokenManager } from './token-manager.js';

/** A volume could not be set up; the message reads like kubelet's FailedMount event. */
export class VolumeSetupError extends Error {
  override readonly name = 'VolumeSetupError';
  constructor(
    readonly volume: string,
    cause: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${cause}`);
  }
}

/** Every volume of a pod that failed, each with its own message. */
export class PodVolumesError extends Error {
  override readonly name = 'PodVolumesError';
  constructor(readonly failures: VolumeSetupError[]) {
    super(failures.map((f) => f.message).join('; '));
  }
}

/** A pod volume directory still had mounts under it after unmounting; nothing was deleted. */
export class VolumeCleanupError extends Error {
  override readonly name = 'VolumeCleanupError';
}

/** Volume name → host path, as set up for one pod. */
export type PodVolumePaths = Map<string, { hostPath: string; readOnly: boolean }>;

/** What the pod workers need from volumes; the hollow kubelet uses `noVolumes`. */
export interface PodVolumes {
  /** Idempotent: creates what is missing and refreshes configMap, secret and downward API files. */
  setUp(pod: Pod): Promise<PodVolumePaths>;
  mountsFor(pod: Pod, container: Container, volumes: PodVolumePaths): Promise<Mount[]>;
  /** Unmounts and deletes everything the pod had under the kubelet root. */
  tearDown(podUid: string): Promise<void>;
  /** Pod uids with a directory on disk (for cleanup of pods the kubelet no longer knows). */
  podsOnDisk(): Promise<string[]>;
}

export const noVolumes: PodVolumes = {
  setUp: async () => new Map(),
  mountsFor: async () => [],
  tearDown: async () => undefined,
  podsOnDisk: async () => [],
};

/** The kubelet's default `--root-dir`: one tree per node, so several kubelets can share a host. */
export function defaultRootDir(nodeName: string): string {
  return join('/var/lib/kubets/kubelet', nodeName);
}

export interface VolumeManagerOptions {
  /** The kubelet's `--root-dir` (default /var/lib/kubets/kubelet/<node>). */
  rootDir: string;
  objects: PodObjectSource;
  nodeAllocatable?: Record<string, string>;
  /** ServiceAccount tokens for projected volumes; without it such a volume cannot be set up. */
  tokens?: TokenManager;
}

/**
 * Every pod's secret and projected volumes (tokens, secrets) live on one tmpfs per kubelet, under
 * `<root-dir>/memory-volumes/<pod uid>/<plugin>/<volume>`: memory-backed, so they never touch the
 * disk, without a mount (a `mount` process) per pod. Only root reads it on the host; containers
 * see their own volume's directory through its bind mount.
 */
const MEMORY_VOLUMES_DIR = 'memory-volumes';
const MEMORY_VOLUMES_MODE = 0o700;

const PLUGIN_DIRS = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  nfs: 'kubernetes.io~nfs',
  projected: 'kubernetes.io~projected',
} as const;

/** Volumes on the host, bind-mounted into each container of the pod, laid out as the kubelet does. */
export class VolumeManager implements PodVolumes {
  readonly rootDir: string;
  /** The kubelet's one tmpfs holding secret and projected volumes. */
  readonly memoryDir: string;
  readonly #objects: PodObjectSource;
  readonly #nodeAllocatable: Record<string, string> | undefined;
  readonly #tokens: TokenManager | undefined;
  /** The tmpfs check and mount in flight: concurrent pods must not stack two mounts. */
  #memoryMount: Promise<void> | undefined;

  constructor(options: VolumeManagerOptions) {
    this.rootDir = resolve(options.rootDir);
    this.memoryDir = join(this.rootDir, MEMORY_VOLUMES_DIR);
    this.#objects = options.objects;
    this.#nodeAllocatable = options.nodeAllocatable;
    this.#tokens = options.tokens;
  }

  podDir(uid: string): string {
    return join(this.rootDir, 'pods', checkedUid(uid));
  }

  /** The pod's share of the kubelet's tmpfs. */
  podMemoryDir(uid: string): string {
    return join(this.memoryDir, checkedUid(uid));
  }

  async setUp(pod: Pod): Promise<PodVolumePaths> {
    const paths: PodVolumePaths = new Map();
    const failures: VolumeSetupError[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
      const name = volume.name ?? '';
      try {
        paths.set(name, await this.#setUpVolume(pod, volume));
      } catch (err) {
        failures.push(new VolumeSetupError(name, err instanceof Error ? err.message : String(err)));
      }
    }
    if (failures.length > 0) throw new PodVolumesError(failures);
    return paths;
  }

  async #setUpVolume(pod: Pod, volume: Volume): Promise<{ hostPath: string; readOnly: boolean }> {
    const uid = pod.metadata?.uid ?? '';
    const namespace = pod.metadata?.namespace || 'default';
    const name = volume.name ?? '';
    const dirFor = (plugin: string) => join(this.podDir(uid), 'volumes', plugin, name);
    const memoryDirFor = async (plugin: string): Promise<string> => {
      await this.#ensureMemoryTmpfs();
      const dir = join(this.podMemoryDir(uid), plugin, name);
      await mkdir(dir, { recursive: true });
      return dir;
    };
    if (volume.emptyDir) {
      const dir = dirFor(PLUGIN_DIRS.emptyDir);
      await mkdir(dir, { recursive: true });
      if (volume.emptyDir.medium === 'Memory') {
        // A tmpfs of its own: its size limit is the volume's, and the pod writes to it.
        await mountTmpfs(dir, volume.emptyDir.sizeLimit ? { sizeBytes: memoryBytes(volume.emptyDir.sizeLimit) } : {});
      }
      // Any user of any container may write to an emptyDir, as in Kubernetes.
      await chmod(dir, 0o777);
      return { hostPath: dir, readOnly: false };
    }
    if (volume.hostPath) return { hostPath: await setUpHostPath(volume.hostPath), readOnly: false };
    if (volume.configMap) {
      const configMap = await this.#objects.getConfigMap(namespace, volume.configMap.name ?? '');
      const dir = dirFor(PLUGIN_DIRS.configMap);
      await writeAtomically(dir, configMapPayload(configMap, volume.configMap));
      return { hostPath: dir, readOnly: true };
    }
    if (volume.secret) {
      const secret = await this.#objects.getSecret(namespace, volume.secret.secretName ?? '');
      const payload = secretPayload(secret, volume.secret);
      // Secrets never touch the disk.
      const dir = await memoryDirFor(PLUGIN_DIRS.secret);
      await writeAtomically(dir, payload);
      return { hostPath: dir, readOnly: true };
    }
    if (volume.downwardAPI) {
      const dir = dirFor(PLUGIN_DIRS.downwardAPI);
      await writeAtomically(dir, downwardAPIPayload(pod, volume.downwardAPI, this.#nodeAllocatable));
      return { hostPath: dir, readOnly: true };
    }
    if (volume.nfs) return this.#mount(nfsMountPlan(volume.nfs, dirFor(PLUGIN_DIRS.nfs), false));
    if (volume.persistentVolumeClaim) {
      const claimName = volume.persistentVolumeClaim.claimName ?? '';
      const claim = await this.#objects.getPersistentVolumeClaim(namespace, claimName);
      const volumeName = claim?.spec?.volumeName;
      const pv = volumeName ? await this.#objects.getPersistentVolume(volumeName) : undefined;
      return this.#mount(claimMountPlan(namespace, claimName, claim, pv, Boolean(volume.persistentVolumeClaim.readOnly), dirFor(PLUGIN_DIRS.nfs)));
    }
    if (volume.projected) {
      const payload = await this.#projectedPayload(pod, volume.projected);
      // It may hold a token or secrets: memory only, as secret volumes.
      const dir = await memoryDirFor(PLUGIN_DIRS.projected);
      await writeAtomically(dir, payload);
      return { hostPath: dir, readOnly: true };
    }
    throw new Error('volume type is not supported by this kubelet (supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected, nfs, persistentVolumeClaim)');
  }

  /** Mounts the kubelet's tmpfs unless it is there (checked on every use: no secret may land on disk). */
  #ensureMemoryTmpfs(): Promise<void> {
    this.#memoryMount ??= (async () => {
      await mkdir(this.memoryDir, { recursive: true, mode: MEMORY_VOLUMES_MODE });
      await mountTmpfs(this.memoryDir, { mode: MEMORY_VOLUMES_MODE });
    })().finally(() => {
      this.#memoryMount = undefined;
    });
    return this.#memoryMount;
  }

  async #mount(plan: MountPlan): Promise<{ hostPath: string; readOnly: boolean }> {
    if (plan.kind === 'nfs') {
      await mountNfs(plan);
      return { hostPath: plan.target, readOnly: plan.readOnly };
    }
    if (plan.local) {
      await checkLocalPath(plan.path);
      return { hostPath: plan.path, readOnly: plan.readOnly };
    }
    return { hostPath: await setUpHostPath({ path: plan.path, ...(plan.hostPathType !== undefined && { type: plan.hostPathType }) }), readOnly: plan.readOnly };
  }

  /** Every source's files in one directory; the token is the cached one until it is due for renewal. */
  async #projectedPayload(pod: Pod, projected: ProjectedVolumeSource): Promise<Map<string, FileProjection>> {
    const namespace = pod.metadata?.namespace || 'default';
    const defaultMode = projected.defaultMode ?? 0o644;
    const payload = new Map<string, FileProjection>();
    const add = (files: Map<string, FileProjection>): void => files.forEach((file, path) => payload.set(path, file));
    for (const source of projected.sources ?? []) {
      if (source.configMap) {
        const { name, items, optional } = source.configMap;
        add(configMapPayload(await this.#objects.getConfigMap(namespace, name ?? ''), { name, items, optional, defaultMode }));
      }
      if (source.secret) {
        const { name, items, optional } = source.secret;
        add(secretPayload(await this.#objects.getSecret(namespace, name ?? ''), { secretName: name, items, optional, defaultMode }));
      }
      if (source.downwardAPI) add(downwardAPIPayload(pod, { items: source.downwardAPI.items, defaultMode }, this.#nodeAllocatable));
      if (source.serviceAccountToken) {
        if (!this.#tokens) throw new Error('serviceAccountToken projections need the TokenRequest API, which this kubelet has no client for');
        const { audience, expirationSeconds, path } = source.serviceAccountToken;
        const token = await this.#tokens.token(pod, { audience, expirationSeconds });
        payload.set(path ?? 'token', { data: Buffer.from(token, 'utf8'), mode: defaultMode });
      }
    }
    return payload;
  }

  async mountsFor(_pod: Pod, container: Container, volumes: PodVolumePaths): Promise<Mount[]> {
    const mounts: Mount[] = [];
    for (const mount of container.volumeMounts ?? []) {
      const volume = volumes.get(mount.name ?? '');
      if (!volume) throw new ContainerConfigError(`cannot find volume "${mount.name ?? ''}" to mount into container "${container.name ?? ''}"`);
      const hostPath = mount.subPath ? await this.#subPath(volume.hostPath, mount.subPath) : volume.hostPath;
      mounts.push({ hostPath, containerPath: mount.mountPath ?? '', readOnly: volume.readOnly || Boolean(mount.readOnly) });
    }
    return mounts;
  }

  /** A subPath must stay inside its volume, even through symlinks a container may have planted. */
  async #subPath(volumePath: string, subPath: string): Promise<string> {
    if (isAbsolute(subPath) || normalize(subPath).split(sep).includes('..')) {
      throw new ContainerConfigError(`subPath ${JSON.stringify(subPath)} must be a relative path without '..'`);
    }
    const full = join(volumePath, subPath);
    await mkdir(full, { recursive: true }).catch(() => undefined);
    const [base, real] = await Promise.all([realpath(volumePath), realpath(full)]);
    if (real !== base && !real.startsWith(base + sep)) {
      throw new ContainerConfigError(`subPath ${JSON.stringify(subPath)} resolves outside its volume`);
    }
    return real;
  }

  async tearDown(podUid: string): Promise<void> {
    this.#tokens?.forgetPod(podUid);
    const dir = this.podDir(podUid);
    const left = await unmountAllUnder(dir);
    if (left.length > 0) throw new VolumeCleanupError(`still mounted under ${dir}: ${left.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
    await rm(this.podMemoryDir(podUid), { recursive: true, force: true });
  }

  async podsOnDisk(): Promise<string[]> {
    const [onDisk, inMemory] = await Promise.all([readdirOrEmpty(join(this.rootDir, 'pods')), readdirOrEmpty(this.memoryDir)]);
    return [...new Set([...onDisk, ...inMemory])];
  }
}

function checkedUid(uid: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(uid) || uid.startsWith('.')) throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
  return uid;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
