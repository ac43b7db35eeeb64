import Docker from 'dockerode';
import { pino, type Logger } from 'pino';
import type { Pod } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { keyFor, keyOf } from '../../lib/client/keys.js';
import { EventRecorder } from '../../lib/events/event-recorder.js';
import { Backoff, sleep } from '../../lib/informer/backoff.js';
import type { Informer } from '../../lib/informer/informer.js';
import { SharedInformerFactory } from '../../lib/informer/shared-informer-factory.js';
import { NodeHeartbeat } from './node/node-heartbeat.js';
import { buildNodeStatus, readHostFacts, type HealthFacts, type NodeIdentity } from './node/node-status.js';
import { podEventRecorder } from './pod-events.js';
import { PodWorkers } from './pod-workers/pod-workers.js';
import { DockerRuntime } from './runtime/docker-runtime.js';
import { dockerMessage } from './runtime/errors.js';
import { HollowRuntime } from './runtime/hollow-runtime.js';
import { instrumentRuntime } from './runtime/instrumented-runtime.js';
import type { ContainerRuntime } from './runtime/types.js';
import type { ContainerLogRotation } from './runtime/log-rotation.js';
import { exposeContainerMetrics } from './container-metrics.js';
import { processRegistry } from '../../lib/metrics/index.js';
import { defaultRootDir, noVolumes, VolumeManager, type PodVolumes } from './runtime/volumes/volume-manager.js';
import { TokenManager } from './runtime/volumes/token-manager.js';
import { startKubeletServer, type KubeletServerTls, type RunningKubeletServer } from './server/kubelet-server.js';
import { NodeObjectSource } from './sources/node-object-source.js';
import { podChangedForKubelet } from './sources/pod-changes.js';
import { isMirrorPod, isStaticPod, StaticPodSource } from './sources/static-pods.js';
import { ensureKubenetNetwork, KUBENET_NETWORK, waitForPodCidr } from './network/kubenet.js';
import { isMirrorOf, MirrorPods } from './status/mirror-pods.js';
import { StatusManager } from './status/status-manager.js';
import { DEFAULT_STATS_INTERVAL_MS, StatsCollector } from './stats/index.js';

export interface KubeletOptions {
  nodeName: string;
  /** Labels every container, so kubelets of two clusters that name a node alike never take each other's containers. */
  clusterId?: string;
  client: ApiClient;
  /** The Node's InternalIP: where the apiserver reaches this kubelet, and the pods' hostIP. */
  nodeIP: string;
  /** Where the kubelet API listens; the node IP by default. */
  address?: string;
  /** Port of the kubelet API (published in the Node's daemonEndpoints); 0 picks a free one. */
  port: number;
  tls: KubeletServerTls;
  /** Pod volumes live under it; /var/lib/kubets/kubelet/<node> by default. */
  rootDir?: string;
  /** A directory of static pod manifests. */
  podManifestPath?: string;
  clusterDNS: string[];
  clusterDomain?: string;
  maxPods?: number;
  labels?: Record<string, string>;
  /** No containers: pods run instantly in memory (scale simulations only). */
  hollow?: boolean;
  /**
   * `docker`: pods join the engine's default bridge. `kubenet`: pods join a bridge on the node's own
   * pod subnet (spec.podCIDR), which the kubelet waits for; what a multi-node pod network needs.
   */
  networkPlugin?: NetworkPlugin;
  /** The MTU of pods' interfaces with kubenet (the engine's default when unset). */
  networkPluginMtu?: number;
  docker?: Docker;
  /** How often container states are listed (Kubernetes' PLEG relist). */
  relistIntervalMs?: number;
  /** Lease renewal and node status check interval. */
  nodeStatusIntervalMs?: number;
  /** How often orphaned containers and mirror pods are cleaned up. */
  housekeepingIntervalMs?: number;
  staticPodCheckIntervalMs?: number;
  /** How often container and node CPU and memory are sampled for the Summary call (10 s by default). */
  statsIntervalMs?: number;
  /** Rotation of container log files (Kubernetes' containerLogMaxSize and containerLogMaxFiles). */
  containerLogRotation?: ContainerLogRotation;
  log?: Logger;
}

export type NetworkPlugin = 'docker' | 'kubenet';

export const DEFAULT_KUBELET_PORT = 10250;
export const DEFAULT_MAX_PODS = 110;
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
const DEFAULT_HOUSEKEEPING_MS = 10_000;
const EVENT_FLUSH_TIMEOUT_MS = 5_000;

export class KubeletStoppedError extends Error {
  override readonly name = 'KubeletStoppedError';
}

/**
 * The node agent: registers the Node and keeps it alive, runs the pods bound to it (and static
 * pods from a directory, mirrored into the API), reports their status, finishes their deletion,
 * and serves logs and exec to the apiserver. Everything it knows comes from the API and from
 * the runtime's container labels, so a restarted kubelet picks up where the last one stopped.
 */
export class Kubelet {
  readonly nodeName: string;
  readonly workers: PodWorkers;
  /** The runtime as the kubelet calls it: counted and timed. */
  readonly runtime: ContainerRuntime;
  /** The Docker runtime itself (absent for a hollow kubelet), for setting up its network. */
  readonly #docker: DockerRuntime | undefined;
  readonly #options: KubeletOptions;
  readonly #log: Logger;
  readonly #client: ApiClient;
  readonly #factory: SharedInformerFactory;
  readonly #pods: Informer<Pod>;
  readonly #recorder: EventRecorder;
  readonly #status: StatusManager;
  readonly #mirrors: MirrorPods;
  readonly #stopping = new AbortController();
  readonly #volumes: PodVolumes;
  #staticPods = new Map<string, Pod>();
  #staticSource: StaticPodSource | undefined;
  #server: RunningKubeletServer | undefined;
  #heartbeatLoop: Promise<void> | undefined;
  #housekeeping: NodeJS.Timeout | undefined;
  #nodeUid: string | undefined;
  #runtimeVersion = 'unknown';
  /** CPU and memory sampling; hollow pods have no cgroups to read. */
  readonly #stats: StatsCollector | undefined;

  constructor(options: KubeletOptions) {
    this.#options = options;
    this.nodeName = options.nodeName;
    this.#client = options.client;
    this.#log = (options.log ?? pino({ level: 'silent' })).child({ node: options.nodeName });
    this.#factory = new SharedInformerFactory(options.client, { log: this.#log });
    this.#pods = this.#factory.informerFor('pod', { fieldSelector: `spec.nodeName=${options.nodeName}` });
    const objects = new NodeObjectSource(options.client, this.#factory.informerFor('service').store);
    this.#recorder = new EventRecorder({ client: options.client, component: 'kubelet', host: options.nodeName, log: this.#log });
    const events = podEventRecorder(this.#recorder);
    const hollow = Boolean(options.hollow);
    this.#docker = hollow
      ? undefined
      : new DockerRuntime({
          nodeName: options.nodeName,
          ...(options.clusterId !== undefined && { clusterId: options.clusterId }),
          dns: { clusterDNS: options.clusterDNS, clusterDomain: options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN },
          docker: options.docker ?? new Docker(),
          log: this.#log,
          ...(options.networkPlugin === 'kubenet' && { network: KUBENET_NETWORK }),
          ...(options.containerLogRotation && { logRotation: options.containerLogRotation }),
        });
    this.runtime = instrumentRuntime(this.#docker ?? new HollowRuntime());
    this.#stats = this.#docker
      ? new StatsCollector({ nodeName: options.nodeName, runtime: this.#docker, intervalMs: options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS, log: this.#log })
      : undefined;
    if (this.#stats) {
      const stats = this.#stats;
      exposeContainerMetrics(processRegistry, () => stats.containerUsage());
    }
    const allocatable = buildNodeStatus(this.#identity(options.port), readHostFacts(), { runtimeUp: true, runtimeVersion: '' }, undefined, '').allocatable ?? {};
    this.#volumes = hollow ? noVolumes : new VolumeManager({
          rootDir: options.rootDir ?? defaultRootDir(options.nodeName),
          objects,
          nodeAllocatable: allocatable,
          tokens: new TokenManager((namespace, name, request) => options.client.createToken(namespace, name, request)),
        });
    this.#status = new StatusManager({
      client: options.client,
      log: this.#log,
      pods: {
        cached: (pod) => {
          const apiPod = this.#pods.store.get(keyOf(pod));
          if (!apiPod) return undefined;
          return this.#ownsApiPod(pod, apiPod) ? apiPod : undefined;
        },
        owns: (pod, apiPod) => this.#ownsApiPod(pod, apiPod),
      },
    });
    this.#mirrors = new MirrorPods({
      client: options.client,
      nodeName: options.nodeName,
      nodeUid: () => this.#nodeUid,
      cachedPod: (key) => this.#pods.store.get(key),
      cachedMirrorPods: () => this.#pods.store.list().filter(isMirrorPod),
      log: this.#log,
    });
    this.workers = new PodWorkers({
      runtime: this.runtime,
      objects,
      volumes: this.#volumes,
      nodeName: options.nodeName,
      nodeIP: options.nodeIP,
      events,
      nodeAllocatable: allocatable,
      probes: !hollow,
      log: this.#log,
      ...(options.relistIntervalMs !== undefined && { relistIntervalMs: options.relistIntervalMs }),
      onStatus: (pod, status) => this.#status.setStatus(pod, status),
      onTerminated: (pod) => {
        if (isStaticPod(pod)) this.#status.forget(pod.metadata?.uid ?? '');
        else this.#status.podTerminated(pod);
      },
    });
  }

  /** The port the kubelet API listens on (known once started). */
  get port(): number {
    return this.#server?.port ?? this.#options.port;
  }

  /**
   * Serves the kubelet API, registers the Node (retrying until the apiserver answers), waits for
   * the caches of pods, services, configMaps and secrets, then runs pods. Resolves once pods flow.
   */
  async start(): Promise<void> {
    const signal = this.#stopping.signal;
    const options = this.#options;
    this.#server = await startKubeletServer({
      address: options.address ?? options.nodeIP,
      port: options.port,
      tls: options.tls,
      findPod: (namespace, name) => this.#findPod(namespace, name),
      runtime: this.runtime,
      summary: () => this.#stats?.summary() ?? { nodeName: this.nodeName, windowSeconds: 0, pods: [] },
      log: this.#log,
    });
    this.#stats?.start();
    const heartbeat = new NodeHeartbeat({
      client: this.#client,
      id: this.#identity(this.#server.port),
      host: readHostFacts(),
      runtimeHealth: () => this.#runtimeHealth(),
      log: this.#log,
      ...(options.nodeStatusIntervalMs !== undefined && { renewIntervalMs: options.nodeStatusIntervalMs }),
    });
    await this.#register(heartbeat, signal);
    this.#heartbeatLoop = heartbeat.run(signal);
    if (options.networkPlugin === 'kubenet' && this.#docker) {
      const podCidr = await waitForPodCidr(this.#client, this.nodeName, signal, this.#log);
      await ensureKubenetNetwork(this.#docker.docker, podCidr, this.#log, options.networkPluginMtu);
    }
    this.#recorder.event({ kind: 'Node', name: this.nodeName, uid: this.nodeName, namespace: '' }, 'Normal', 'Starting', 'Starting kubelet.');

    this.#factory.start(signal);
    // Service environment variables must be complete before the first container starts.
    if (!(await this.#factory.waitForSync(signal))) throw new KubeletStoppedError('kubelet stopped before its caches synced');
    this.#status.start();
    this.workers.start();
    if (options.podManifestPath) {
      this.#staticSource = new StaticPodSource({
        dir: options.podManifestPath,
        nodeName: this.nodeName,
        onChange: (pods) => this.#setStaticPods(pods),
        log: this.#log,
        ...(options.staticPodCheckIntervalMs !== undefined && { checkIntervalMs: options.staticPodCheckIntervalMs }),
      });
      await this.#staticSource.start();
    }
    this.#pods.addEventHandler({
      onAdd: (pod) => this.#podChanged(pod),
      onUpdate: (old, pod) => {
        if (isMirrorPod(pod) || podChangedForKubelet(old, pod)) this.#podChanged(pod);
      },
      onDelete: (pod) => this.#podDeleted(pod),
    });
    // Containers of pods deleted while no kubelet ran; those of pods that still exist are adopted.
    await this.#housekeep();
    this.#housekeeping = setInterval(() => void this.#housekeep(), options.housekeepingIntervalMs ?? DEFAULT_HOUSEKEEPING_MS);
    this.#housekeeping.unref();
    this.#log.info({ port: this.port, pods: this.workers.knownPods().length }, 'kubelet started');
  }

  /** Stops every loop; containers keep running for the next kubelet to adopt. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    clearInterval(this.#housekeeping);
    this.#staticSource?.stop();
    await this.#stats?.stop();
    await this.workers.stop();
    await this.#status.stop();
    await this.#server?.stop();
    await this.#factory.stop();
    await this.#heartbeatLoop;
    await Promise.race([this.#recorder.flush(), sleep(EVENT_FLUSH_TIMEOUT_MS)]);
  }

  #identity(port: number): NodeIdentity {
    return {
      nodeName: this.#options.nodeName,
      nodeIp: this.#options.nodeIP,
      kubeletPort: port,
      maxPods: this.#options.maxPods ?? DEFAULT_MAX_PODS,
      ...(this.#options.labels && { labels: this.#options.labels }),
    };
  }

  async #register(heartbeat: NodeHeartbeat, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 7_000 });
    while (!signal.aborted) {
      try {
        const node = await heartbeat.register();
        this.#nodeUid = node.metadata?.uid;
        return;
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, 'cannot register the node; retrying');
        await sleep(backoff.next(), signal);
      }
    }
    throw new KubeletStoppedError('kubelet stopped before the node was registered');
  }

  async #runtimeHealth(): Promise<HealthFacts> {
    try {
      this.#runtimeVersion = await this.runtime.version();
      return { runtimeUp: true, runtimeVersion: this.#runtimeVersion };
    } catch (err) {
      return { runtimeUp: false, runtimeVersion: this.#runtimeVersion, runtimeMessage: dockerMessage(err) };
    }
  }

  #podChanged(pod: Pod): void {
    if (!isMirrorPod(pod)) {
      this.workers.updatePod(pod);
      return;
    }
    const staticPod = this.#mirrors.staticPod(keyOf(pod));
    if (staticPod && isMirrorOf(staticPod, pod)) this.#status.resync(staticPod.metadata?.uid ?? '');
    else void this.#mirrors.sync();
  }

  #podDeleted(pod: Pod): void {
    if (isMirrorPod(pod)) {
      void this.#mirrors.sync();
      return;
    }
    // Removed without waiting for us (grace period 0): stop its containers at once.
    const uid = pod.metadata?.uid ?? '';
    this.#status.forget(uid);
    this.workers.terminatePod(uid, pod.metadata?.deletionGracePeriodSeconds ?? undefined).catch((err: unknown) => {
      this.#log.warn({ pod: keyOf(pod), err: (err as Error).message }, 'cannot stop a deleted pod; housekeeping retries');
    });
  }

  #setStaticPods(pods: Pod[]): void {
    const next = new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
    for (const [uid, pod] of this.#staticPods) {
      if (next.has(uid)) continue;
      this.#log.info({ pod: keyOf(pod) }, 'static pod removed');
      this.workers.terminatePod(uid).catch((err: unknown) => this.#log.warn({ pod: keyOf(pod), err: (err as Error).message }, 'cannot stop a static pod'));
    }
    for (const [uid, pod] of next) if (!this.#staticPods.has(uid)) this.workers.updatePod(pod);
    this.#staticPods = next;
    this.#mirrors.setStaticPods(pods);
  }

  /** A static pod's API object is its mirror; any other pod's has the same uid. */
  #ownsApiPod(pod: Pod, apiPod: Pod): boolean {
    return isStaticPod(pod) ? isMirrorOf(pod, apiPod) : apiPod.metadata?.uid === pod.metadata?.uid;
  }

  #findPod(namespace: string, name: string): Pod | undefined {
    const key = keyFor(namespace, name);
    const staticPod = this.#mirrors.staticPod(key);
    if (staticPod) return staticPod;
    const pod = this.#pods.store.get(key);
    return pod && !isMirrorPod(pod) ? pod : undefined;
  }

  async #housekeep(): Promise<void> {
    const desired = [
      ...this.#pods.store
        .list()
        .filter((p) => !isMirrorPod(p))
        .map((p) => p.metadata?.uid ?? ''),
      ...this.#staticPods.keys(),
    ];
    try {
      const cleaned = await this.workers.cleanupOrphans(desired);
      if (cleaned.length > 0) this.#log.info({ pods: cleaned }, 'removed containers of pods that no longer exist');
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'orphan cleanup failed');
    }
    if (this.#staticPods.size > 0 || this.#pods.store.list().some(isMirrorPod)) await this.#mirrors.sync();
  }
}
