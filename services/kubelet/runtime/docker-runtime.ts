import Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import { writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import type { Readable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { formatGoDuration } from './backoff.js';
import { containerCreateOptions, podGracePeriodSeconds, podIdentity, sandboxCreateOptions } from './container-config.js';
import { DEFAULT_CONTAINER_LOG_ROTATION, type ContainerLogRotation } from './log-rotation.js';
import { podDNS, resolvConf, type ClusterDNSConfig } from './dns.js';
import {
  cannotRunMessage,
  containerStatusFromInspect,
  groupByPod,
  imageRefFromImage,
  newestFirst,
  sandboxStatusFromInspect,
} from './docker-status.js';
import { attachToContainer, containerLogs, execInContainer, runInContainer } from './docker-streams.js';
import { ContainerNotFoundError, ContainerStartError, dockerMessage, dockerStatusCode, SandboxError } from './errors.js';
import { containerFieldPath, discardEvents, type EventRecorder } from './events.js';
import { ImagePuller } from './image-puller.js';
import {
  LABEL_CONTAINER_NAME,
  LABEL_GRACE_PERIOD,
  LABEL_POD_UID,
  isOwnedBy,
  numericLabel,
  ownerFilters,
  SANDBOX_CONTAINER_NAME,
  hashContainer,
  type ContainerOwner,
  type PodIdentity,
} from './labels.js';
import { computePodActions, latestContainerStatus } from './pod-actions.js';
import { podQOSClass } from './qos.js';
import { oomScoreFloor } from './resources.js';
import type {
  ContainerRuntime,
  ContainerSyncResult,
  ExecOptions,
  ExecResult,
  ExecSession,
  LogOptions,
  PodSyncResult,
  RuntimeContainerStatus,
  RuntimePod,
  RuntimePodStatus,
  RuntimeSandboxStatus,
  SyncPodContext,
} from './types.js';

export const DEFAULT_PAUSE_IMAGE = 'kubets/pause:3.9';
export const DEFAULT_POD_NETWORK = 'bridge';
/** Kubernetes never gives a container less than this to stop, even on a forced delete. */
const MINIMUM_GRACE_PERIOD_SECONDS = 2;
/** How long the pause container gets to stop; it exits on SIGTERM at once. */
const SANDBOX_STOP_SECONDS = 2;
/** Instances kept per container name: the current one and the previous (for lastState and `logs --previous`). */
const KEEP_INSTANCES_PER_CONTAINER = 2;
/** Log lines read to recognise docker-init's "exec ... failed" report. */
const CANNOT_RUN_LOG_TAIL = 5;
const CACHE_LIMIT = 4096;

export interface DockerRuntimeOptions {
  /** The node label on every container; the runtime never touches containers without it. */
  nodeName: string;
  /** The cluster label on every container, when the node belongs to a cluster with an ID (kubets up's). */
  clusterId?: string;
  dns: ClusterDNSConfig;
  docker?: Docker;
  pauseImage?: string;
  network?: string;
  /** For OOM score adjustment of burstable pods; the host's memory by default. */
  nodeMemoryBytes?: number;
  /** The lowest OOM score adjustment Docker may set; detected from the kubelet's capabilities by default. */
  minOomScoreAdj?: number;
  /** Size and count limits of container log files (the kubelet's --container-log-max-size/-files). */
  logRotation?: ContainerLogRotation;
  imagePuller?: ImagePuller;
  log?: Logger;
}

/** The node's containers, grouped by pod uid (Kubernetes' GetPods); several kubelets, of several clusters, may share one Docker. */
export async function listPodContainers(docker: Docker, owner: ContainerOwner): Promise<RuntimePod[]> {
  return groupByPod(await listOwned(docker, owner));
}

async function listOwned(docker: Docker, owner: ContainerOwner, ...extra: string[]): Promise<Docker.ContainerInfo[]> {
  const listing = await docker.listContainers({ all: true, filters: ownerFilters(owner, ...extra) });
  return listing.filter((c) => isOwnedBy(c.Labels, owner));
}

/** Runs pods as a pause container plus app containers joined to its namespaces, through dockerd. */
export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;
  readonly owner: ContainerOwner;
  readonly #dns: ClusterDNSConfig;
  readonly #pauseImage: string;
  readonly #network: string;
  readonly #nodeMemoryBytes: number;
  readonly #minOomScoreAdj: number;
  readonly #logRotation: ContainerLogRotation;
  readonly #images: ImagePuller;
  readonly #log: Logger;
  /** Image id → reported imageID; images do not change under an id. */
  readonly #imageRefs = new Map<string, string>();
  /** Checked once; a pause image removed later makes sandbox creation fail with Docker's message. */
  #pausePresent = false;
  /** Exited container id → docker-init's exec failure (or null); exited containers do not change. */
  readonly #cannotRun = new Map<string, string | null>();

  constructor(options: DockerRuntimeOptions) {
    this.docker = options.docker ?? new Docker();
    this.owner = { nodeName: options.nodeName, ...(options.clusterId !== undefined && { clusterId: options.clusterId }) };
    this.#dns = options.dns;
    this.#pauseImage = options.pauseImage ?? DEFAULT_PAUSE_IMAGE;
    this.#network = options.network ?? DEFAULT_POD_NETWORK;
    this.#nodeMemoryBytes = options.nodeMemoryBytes ?? totalmem();
    this.#minOomScoreAdj = options.minOomScoreAdj ?? oomScoreFloor();
    this.#logRotation = options.logRotation ?? DEFAULT_CONTAINER_LOG_ROTATION;
    this.#images = options.imagePuller ?? new ImagePuller({ docker: this.docker });
    this.#log = options.log ?? pino({ level: 'silent' });
  }

  async version(): Promise<string> {
    const version = await this.docker.version();
    return `docker://${version.Version}`;
  }

  listPods(): Promise<RuntimePod[]> {
    return listPodContainers(this.docker, this.owner);
  }

  async getPodStatus(pod: PodIdentity): Promise<RuntimePodStatus> {
    const listing = await listOwned(this.docker, this.owner, `${LABEL_POD_UID}=${pod.uid}`);
    const inspected = await Promise.all(listing.map((c) => this.#inspectOrUndefined(c.Id)));
    const sandboxes: RuntimeSandboxStatus[] = [];
    const containers: RuntimeContainerStatus[] = [];
    for (const info of inspected) {
      if (!info) continue;
      if (info.Config.Labels?.[LABEL_CONTAINER_NAME] === SANDBOX_CONTAINER_NAME) {
        sandboxes.push(sandboxStatusFromInspect(info, this.#network));
      } else {
        containers.push(await this.#containerStatus(info));
      }
    }
    sandboxes.sort((a, b) => newestFirst({ createdAt: a.createdAt, restartCount: a.attempt }, { createdAt: b.createdAt, restartCount: b.attempt }));
    containers.sort(newestFirst);
    return { ...pod, sandboxes, containers };
  }

  async syncPod(pod: Pod, status: RuntimePodStatus, context: SyncPodContext): Promise<PodSyncResult> {
    const made: MadeInSync = { containerIds: [], listAgain: false };
    const result = await this.#converge(pod, status, context, made);
    const after = made.listAgain ? undefined : await this.#statusAfter(status, made);
    return after ? { ...result, status: after } : result;
  }

  /**
   * The pod's status after a sync that only added containers: what it had, the new sandbox as its
   * inspect after the start showed it, and each new container read back once; undefined when one
   * of them is gone already (the caller then lists the pod).
   */
  async #statusAfter(before: RuntimePodStatus, made: MadeInSync): Promise<RuntimePodStatus | undefined> {
    if (!made.sandbox && made.containerIds.length === 0) return before;
    const inspected = await Promise.all(made.containerIds.map((id) => this.#inspectOrUndefined(id)));
    const containers: RuntimeContainerStatus[] = [...before.containers];
    for (const info of inspected) {
      if (!info) return undefined;
      containers.push(await this.#containerStatus(info));
    }
    containers.sort(newestFirst);
    return { ...before, sandboxes: made.sandbox ? [made.sandbox, ...before.sandboxes] : before.sandboxes, containers };
  }

  async #converge(pod: Pod, status: RuntimePodStatus, context: SyncPodContext, made: MadeInSync): Promise<PodSyncResult> {
    const actions = computePodActions(pod, status, context.probes);
    const result: PodSyncResult = { containers: [] };
    const grace = podGracePeriodSeconds(pod);
    const hadAny = status.sandboxes.length > 0 || status.containers.length > 0;
    made.listAgain = (actions.killPod && hadAny) || actions.containersToKill.length > 0;

    if (actions.killPod) {
      if (actions.createSandbox && status.sandboxes.length > 0) {
        context.events.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      }
      await this.#stopAll(status, grace, { pod, recorder: context.events });
      if (actions.createSandbox) await this.#removeInitContainers(status);
    } else {
      await Promise.all(
        actions.containersToKill.map(async (kill) => {
          const latest = status.containers.find((c) => c.id === kill.id);
          context.events.event(pod, 'Normal', 'Killing', kill.message, containerFieldPath(kill.name, latest?.init ?? false));
          await this.#stopContainer(kill.id, grace);
          result.containers.push({ name: kill.name, init: latest?.init ?? false, action: 'kill' });
        }),
      );
    }
    if (await this.#pruneDeadContainers(status)) made.listAgain = true;

    if (!actions.createSandbox && actions.nextInitContainer === undefined && actions.containersToStart.length === 0) return result;

    const inits = pod.spec?.initContainers ?? [];
    const containers = pod.spec?.containers ?? [];
    const init = actions.nextInitContainer !== undefined;
    const toStart = (init ? [inits[actions.nextInitContainer ?? 0]] : actions.containersToStart.map((index) => containers[index])).filter(
      (c): c is Container => c !== undefined,
    );
    // A pod's first start: its images are checked while the engine makes the sandbox, not after.
    const images = actions.createSandbox && !hadAny ? this.#checkImagesEarly(pod, toStart, init, context) : new Map<string, Promise<unknown>>();

    let sandboxId = actions.sandboxId;
    let podIP = status.sandboxes[0]?.ip ?? '';
    if (actions.createSandbox) {
      try {
        const sandbox = await this.#createSandbox(pod, actions.sandboxAttempt);
        made.sandbox = sandbox;
        sandboxId = sandbox.id;
        podIP = sandbox.ip ?? '';
      } catch (err) {
        made.listAgain = true;
        const message = `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`;
        context.events.event(pod, 'Warning', 'FailedCreatePodSandBox', message);
        this.#log.warn({ pod: status.name, namespace: status.namespace, err: message }, 'sandbox creation failed');
        return { ...result, sandboxError: message };
      }
    }
    if (!sandboxId) return result;
    if (context.volumesReady && !(await context.volumesReady)) return result;
    const target = { sandboxId, podIP };

    const start = async (container: Container, init: boolean): Promise<ContainerSyncResult> => {
      const name = container.name ?? '';
      const outcome: ContainerSyncResult = { name, init, action: 'start' };
      const backoff = this.#crashBackoff(pod, container, status, context);
      if (backoff) {
        outcome.error = { reason: 'CrashLoopBackOff', message: backoff.message };
        result.retryAfterMs = Math.min(result.retryAfterMs ?? Infinity, backoff.retryAfterMs);
        return outcome;
      }
      try {
        await this.#startContainer(pod, container, init, status, target, context, made, images.get(name));
      } catch (err) {
        const failure = err instanceof ContainerStartError ? err : new ContainerStartError('RunContainerError', dockerMessage(err));
        outcome.error = { reason: failure.reason, message: failure.message };
        if (failure.reason === 'ErrImagePull' || failure.reason === 'ImagePullBackOff') {
          const wait = this.#images.retryAfter(pod, container.image ?? '');
          if (wait > 0) result.retryAfterMs = Math.min(result.retryAfterMs ?? Infinity, wait);
        }
      }
      return outcome;
    };

    const started = await Promise.all(toStart.map((container) => start(container, init)));
    result.containers.push(...started);
    return result;
  }

  /** Starts each container's image check now; #startContainer awaits it (and reports its failure) later. */
  #checkImagesEarly(pod: Pod, containers: Container[], init: boolean, context: SyncPodContext): Map<string, Promise<unknown>> {
    const checks = new Map<string, Promise<unknown>>();
    for (const container of containers) {
      const check = this.#images.ensureImage(pod, container, context.events, containerFieldPath(container.name ?? '', init));
      // Awaited by the container's start; a sandbox that fails first leaves it unawaited, which must not count as unhandled.
      check.catch(() => undefined);
      checks.set(container.name ?? '', check);
    }
    return checks;
  }

  async killPod(pod: PodIdentity, gracePeriodSeconds?: number, events?: { pod: Pod; recorder: EventRecorder }): Promise<void> {
    const status = await this.getPodStatus(pod);
    await this.#stopAll(status, gracePeriodSeconds, events);
  }

  async removePod(uid: string): Promise<void> {
    const listing = await listOwned(this.docker, this.owner, `${LABEL_POD_UID}=${uid}`);
    await Promise.all(listing.map((c) => this.#removeContainer(c.Id)));
  }

  async logs(containerId: string, options?: LogOptions): Promise<Readable> {
    await this.#requireOwn(containerId);
    return containerLogs(this.docker, containerId, options);
  }

  async exec(containerId: string, command: string[], options?: ExecOptions): Promise<ExecSession> {
    await this.#requireOwn(containerId);
    return execInContainer(this.docker, containerId, command, options);
  }

  async attach(containerId: string, options?: Pick<ExecOptions, 'stdin'>): Promise<ExecSession> {
    await this.#requireOwn(containerId);
    return attachToContainer(this.docker, containerId, options);
  }

  runInContainer(containerId: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    return runInContainer(this.docker, containerId, command, timeoutMs);
  }

  /** Logs and exec reach only this node's containers, whatever id a caller passes. */
  /** The host pid of a running container's main process (where its cgroups are read); undefined once it stopped. */
  async containerPid(containerId: string): Promise<number | undefined> {
    const info = await this.#inspectOrUndefined(containerId);
    return info?.State.Running ? info.State.Pid : undefined;
  }

  async #requireOwn(containerId: string): Promise<void> {
    const info = await this.#inspectOrUndefined(containerId);
    if (!isOwnedBy(info?.Config.Labels, this.owner)) {
      throw new ContainerNotFoundError(`container ${containerId} not found on node ${this.owner.nodeName}`);
    }
  }

  /** Kubernetes' doBackOff: a container that exited less than its backoff window ago waits. */
  #crashBackoff(
    pod: Pod,
    container: Container,
    status: RuntimePodStatus,
    context: SyncPodContext,
  ): { message: string; retryAfterMs: number } | undefined {
    const name = container.name ?? '';
    const exited = status.containers.find((c) => c.name === name && c.state === 'exited');
    if (exited?.finishedAt === undefined) return undefined;
    const id = podIdentity(pod);
    const key = `${id.name}_${id.namespace}_${id.uid}_${name}_${hashContainer(container)}`;
    if (context.backoff.isInBackOffSince(key, exited.finishedAt)) {
      const podText = `${id.name}_${id.namespace}(${id.uid})`;
      context.events.event(
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${name} in pod ${podText}`,
        containerFieldPath(name, exited.init),
      );
      return {
        message: `back-off ${formatGoDuration(context.backoff.get(key))} restarting failed container=${name} pod=${podText}`,
        retryAfterMs: context.backoff.remainingSince(key, exited.finishedAt),
      };
    }
    context.backoff.next(key, exited.finishedAt);
    return undefined;
  }

  async #startContainer(
    pod: Pod,
    container: Container,
    init: boolean,
    status: RuntimePodStatus,
    target: { sandboxId: string; podIP: string },
    context: SyncPodContext,
    made: MadeInSync,
    imageCheck?: Promise<unknown>,
  ): Promise<void> {
    const name = container.name ?? '';
    const fieldPath = containerFieldPath(name, init);
    const failed = (message: string) => context.events.event(pod, 'Warning', 'Failed', `Error: ${message}`, fieldPath);
    try {
      await (imageCheck ?? this.#images.ensureImage(pod, container, context.events, fieldPath));
    } catch (err) {
      if (err instanceof ContainerStartError) failed(err.reason);
      throw err;
    }
    const latest = latestContainerStatus(status, name);
    const restartCount = latest ? latest.restartCount + 1 : 0;

    let options;
    try {
      options = await context.options.containerOptions(pod, container, target.podIP);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failed(message);
      throw new ContainerStartError('CreateContainerConfigError', message);
    }

    const create = containerCreateOptions({
      pod,
      container,
      init,
      restartCount,
      sandboxId: target.sandboxId,
      options,
      owner: this.owner,
      qos: podQOSClass(pod),
      nodeMemoryBytes: this.#nodeMemoryBytes,
      minOomScoreAdj: this.#minOomScoreAdj,
      logRotation: this.#logRotation,
    });
    let created: Docker.Container;
    try {
      created = await this.#create(create);
    } catch (err) {
      const message = dockerMessage(err);
      failed(message);
      throw new ContainerStartError('CreateContainerError', message);
    }
    made.containerIds.push(created.id);
    context.events.event(pod, 'Normal', 'Created', `Created container ${name}`, fieldPath);
    try {
      await created.start();
    } catch (err) {
      const message = dockerMessage(err);
      failed(message);
      throw new ContainerStartError('RunContainerError', message);
    }
    context.events.event(pod, 'Normal', 'Started', `Started container ${name}`, fieldPath);
  }

  async #createSandbox(pod: Pod, attempt: number): Promise<RuntimeSandboxStatus> {
    if (!this.#pausePresent) {
      try {
        await this.#images.ensurePresent(this.#pauseImage);
      } catch (err) {
        throw new SandboxError(`pause image ${this.#pauseImage} is not present and its pull failed (build it with scripts/build-images): ${dockerMessage(err)}`);
      }
      this.#pausePresent = true;
    }
    const options = sandboxCreateOptions({
      pod,
      attempt,
      owner: this.owner,
      dns: this.#dns,
      pauseImage: this.#pauseImage,
      network: this.#network,
      minOomScoreAdj: this.#minOomScoreAdj,
      logRotation: this.#logRotation,
    });
    let container: Docker.Container;
    try {
      container = await this.#create(options);
    } catch (err) {
      throw new SandboxError(dockerMessage(err));
    }
    try {
      await container.start();
    } catch (err) {
      await this.#removeContainer(container.id).catch(() => undefined);
      throw new SandboxError(dockerMessage(err));
    }
    const info = await container.inspect();
    const sandbox = sandboxStatusFromInspect(info, this.#network);
    if (!sandbox.ready) throw new SandboxError(`pause container ${info.Id.slice(0, 12)} stopped right after starting`);
    await this.#writeResolvConf(pod, info);
    return sandbox;
  }

  /**
   * On a network of its own (kubenet) Docker points the sandbox's resolv.conf at its embedded DNS
   * (127.0.0.11), which forwards to the servers we gave; as dockershim did, the file is rewritten
   * with the pod's own resolver, so what the pod reads names the cluster DNS and nothing between.
   * The app containers join the sandbox's network and share this file.
   */
  async #writeResolvConf(pod: Pod, info: ContainerInspectInfo): Promise<void> {
    if (this.#network === DEFAULT_POD_NETWORK || pod.spec?.hostNetwork || !info.ResolvConfPath) return;
    try {
      await writeFile(info.ResolvConfPath, resolvConf(podDNS(pod, this.#dns)));
    } catch (err) {
      await this.#removeContainer(info.Id).catch(() => undefined);
      throw new SandboxError(`cannot write the pod's resolv.conf ${info.ResolvConfPath}: ${(err as Error).message}`);
    }
  }

  /** Creates a container; a leftover of ours with the same name (a create that never started) is replaced once. */
  async #create(options: ContainerCreateOptions): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer(options);
    } catch (err) {
      if (dockerStatusCode(err) !== 409 || !options.name) throw err;
      const existing = await this.#inspectOrUndefined(options.name);
      if (!existing || !isOwnedBy(existing.Config.Labels, this.owner)) throw err;
      await this.#removeContainer(existing.Id);
      return this.docker.createContainer(options);
    }
  }

  /** App and init containers first, in parallel, then the sandboxes (Kubernetes' killPodWithSyncResult). */
  async #stopAll(status: RuntimePodStatus, gracePeriodSeconds: number | undefined, events?: { pod: Pod; recorder: EventRecorder }): Promise<void> {
    const recorder = events?.recorder ?? discardEvents;
    await Promise.all(
      status.containers
        .filter((c) => c.state === 'running' || c.state === 'unknown')
        .map(async (c) => {
          if (events) recorder.event(events.pod, 'Normal', 'Killing', `Stopping container ${c.name}`, containerFieldPath(c.name, c.init));
          await this.#stopContainer(c.id, gracePeriodSeconds);
        }),
    );
    await Promise.all(status.sandboxes.filter((s) => s.ready).map((s) => this.#stopContainer(s.id, SANDBOX_STOP_SECONDS)));
  }

  /** `docker stop -t <grace>`: SIGTERM, then SIGKILL when the grace period runs out. */
  async #stopContainer(id: string, gracePeriodSeconds: number | undefined): Promise<void> {
    const container = this.docker.getContainer(id);
    let grace = gracePeriodSeconds;
    if (grace === undefined) {
      const info = await this.#inspectOrUndefined(id);
      if (!info) return;
      grace = numericLabel(info.Config.Labels, LABEL_GRACE_PERIOD, podGracePeriodSeconds({}));
    }
    try {
      await container.stop({ t: Math.max(MINIMUM_GRACE_PERIOD_SECONDS, grace) });
    } catch (err) {
      const code = dockerStatusCode(err);
      if (code !== 304 && code !== 404) throw err;
    }
  }

  async #removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
      this.#cannotRun.delete(id);
    } catch (err) {
      const code = dockerStatusCode(err);
      // 409: Docker is already removing it.
      if (code !== 404 && code !== 409) throw err;
    }
  }

  /** A new sandbox reruns initialization, so earlier init containers must not count as done. */
  async #removeInitContainers(status: RuntimePodStatus): Promise<void> {
    await Promise.all(status.containers.filter((c) => c.init && c.state !== 'running').map((c) => this.#removeContainer(c.id)));
  }

  /** Keeps the newest instances of each container and the newest sandbox; removes older dead ones. Says whether it removed any. */
  async #pruneDeadContainers(status: RuntimePodStatus): Promise<boolean> {
    const seen = new Map<string, number>();
    const doomed: string[] = [];
    for (const c of status.containers) {
      const count = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, count);
      if (count > KEEP_INSTANCES_PER_CONTAINER && c.state !== 'running') doomed.push(c.id);
    }
    status.sandboxes.slice(1).forEach((s) => {
      if (!s.ready) doomed.push(s.id);
    });
    if (doomed.length === 0) return false;
    await Promise.all(doomed.map((id) => this.#removeContainer(id)));
    return true;
  }

  async #inspectOrUndefined(id: string): Promise<ContainerInspectInfo | undefined> {
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (err) {
      if (dockerStatusCode(err) === 404) return undefined;
      throw err;
    }
  }

  async #containerStatus(info: ContainerInspectInfo): Promise<RuntimeContainerStatus> {
    return containerStatusFromInspect(info, await this.#imageRef(info.Image), await this.#cannotRunMessage(info));
  }

  async #imageRef(imageId: string): Promise<string> {
    const cached = this.#imageRefs.get(imageId);
    if (cached !== undefined) return cached;
    const image = await this.#images.inspect(imageId).catch(() => undefined);
    const ref = imageRefFromImage(image, imageId);
    if (image) remember(this.#imageRefs, imageId, ref);
    return ref;
  }

  async #cannotRunMessage(info: ContainerInspectInfo): Promise<string | undefined> {
    if (info.State.Running || (info.State.ExitCode !== 126 && info.State.ExitCode !== 127) || !info.HostConfig.Init) return undefined;
    const cached = this.#cannotRun.get(info.Id);
    if (cached !== undefined) return cached ?? undefined;
    let message: string | undefined;
    try {
      const raw = (await this.docker.getContainer(info.Id).logs({ stdout: false, stderr: true, tail: CANNOT_RUN_LOG_TAIL })) as Buffer;
      message = cannotRunMessage(raw.toString('latin1'));
    } catch (err) {
      if (dockerStatusCode(err) !== 404) throw err;
    }
    remember(this.#cannotRun, info.Id, message ?? null);
    return message;
  }
}

/** What one sync made, so the status after it needs no new listing. */
interface MadeInSync {
  sandbox?: RuntimeSandboxStatus;
  /** Containers created (started or not). */
  containerIds: string[];
  /** The pod changed in ways only a new listing shows: containers stopped or removed, a sandbox that failed. */
  listAgain: boolean;
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}
