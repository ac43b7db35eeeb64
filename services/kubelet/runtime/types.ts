import type { Readable, Writable } from 'node:stream';
import type { Container, Pod } from '../../../lib/api/generated/index.js';
import type { Backoff } from './backoff.js';
import type { EventRecorder } from './events.js';
import type { PodIdentity } from './labels.js';

export type { PodIdentity } from './labels.js';

/** Kubernetes' container states as the runtime reports them (kubecontainer.State). */
export type ContainerRunState = 'created' | 'running' | 'exited' | 'unknown';

/** One container of a pod, read back from the runtime. Times are epoch milliseconds. */
export interface RuntimeContainerStatus {
  id: string;
  /** The name in the pod spec. */
  name: string;
  state: ContainerRunState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** For exited containers: `Completed`, `Error`, `OOMKilled` or `ContainerCannotRun`. */
  reason?: string;
  message?: string;
  /** The image as the pod spec names it. */
  image: string;
  /** `docker-pullable://repo@sha256:...` or `docker://sha256:...`. */
  imageRef: string;
  restartCount: number;
  hash: string;
  init: boolean;
}

export interface RuntimeSandboxStatus {
  id: string;
  ready: boolean;
  /** The pod IP; the host's for host-network pods, absent while not ready. */
  ip?: string;
  attempt: number;
  createdAt: number;
  hostNetwork: boolean;
}

/** Everything the runtime knows about one pod's containers, newest first. */
export interface RuntimePodStatus extends PodIdentity {
  sandboxes: RuntimeSandboxStatus[];
  containers: RuntimeContainerStatus[];
}

/** A container from a cheap listing (no inspect): enough to group, adopt and detect changes. */
export interface ContainerSummary {
  id: string;
  name: string;
  state: ContainerRunState;
  createdAt: number;
  restartCount: number;
  sandbox: boolean;
}

export interface RuntimePod extends PodIdentity {
  containers: ContainerSummary[];
}

/** A volume mount ready for the runtime: a host path bound into the container. */
export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface EnvVarValue {
  name: string;
  value: string;
}

/** What the kubelet adds to a container spec before it runs: resolved env, mounts, expanded command. */
export interface ContainerOptions {
  env: EnvVarValue[];
  mounts: Mount[];
  command: string[];
  args: string[];
}

/**
 * The seam between the runtime and the rest of the kubelet (Kubernetes' RuntimeHelper). It throws
 * ContainerConfigError when the container cannot be configured (missing configMap key, ...).
 */
export interface ContainerOptionsProvider {
  containerOptions(pod: Pod, container: Container, podIP: string): Promise<ContainerOptions>;
}

export type ProbeVerdict = 'success' | 'failure' | 'unknown';

/** Liveness and startup verdicts by container id, as the prober last saw them. */
export interface ProbeVerdicts {
  liveness(containerId: string): ProbeVerdict;
  startup(containerId: string): ProbeVerdict;
}

export interface SyncPodContext {
  /** Crash-loop backoff shared by all pods, keyed by pod and container. */
  backoff: Backoff;
  options: ContainerOptionsProvider;
  probes: ProbeVerdicts;
  events: EventRecorder;
  /**
   * Resolves true once the pod's volumes are set up, false if they could not be: the sandbox may
   * be made meanwhile, the containers wait for it. Absent: the volumes are ready.
   */
  volumesReady?: Promise<boolean>;
}

export interface ContainerSyncResult {
  name: string;
  init: boolean;
  action: 'start' | 'kill';
  error?: { reason: string; message: string };
}

export interface PodSyncResult {
  containers: ContainerSyncResult[];
  /** Set when the sandbox could not be made; containers stay ContainerCreating. */
  sandboxError?: string;
  /** The soonest a waiting container's backoff ends, so the caller can sync again then. */
  retryAfterMs?: number;
  /**
   * What the pod has after the sync, when the runtime knows it without listing the pod again
   * (it only added containers, and read each back); otherwise the caller asks getPodStatus.
   */
  status?: RuntimePodStatus;
}

export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  /** Only lines at or after this time (epoch seconds). */
  sinceSeconds?: number;
  limitBytes?: number;
}

export interface ExecOptions {
  stdin?: boolean;
  tty?: boolean;
  env?: string[];
}

export interface ExecSession {
  /** Present when opened with stdin; ending it closes the process's stdin. */
  stdin: Writable | null;
  stdout: Readable;
  /** Absent with a TTY, whose output all arrives on stdout. */
  stderr: Readable | null;
  resize(size: { width: number; height: number }): Promise<void>;
  /** Resolves once output has ended and the runtime reports the exit code. */
  exitCode: Promise<number>;
  /** Tears the session down early. */
  close(): void;
}

export interface ExecResult {
  exitCode: number;
  /** Combined stdout and stderr, cut to a bounded size. */
  output: string;
  timedOut: boolean;
}

/** What the kubelet needs from a container runtime: Docker for real, or the hollow one for scale tests. */
export interface ContainerRuntime {
  /** `docker://20.10.24`, for Node.status.nodeInfo.containerRuntimeVersion. */
  version(): Promise<string>;
  /** This node's containers grouped by pod uid (cheap: one listing, no inspects). */
  listPods(): Promise<RuntimePod[]>;
  getPodStatus(pod: PodIdentity): Promise<RuntimePodStatus>;
  /** Moves the pod's containers one step towards its spec; see pod-actions.ts. */
  syncPod(pod: Pod, status: RuntimePodStatus, context: SyncPodContext): Promise<PodSyncResult>;
  /** Stops every container of the pod (SIGTERM, then SIGKILL after the grace period), sandbox last. */
  killPod(pod: PodIdentity, gracePeriodSeconds?: number, events?: { pod: Pod; recorder: EventRecorder }): Promise<void>;
  /** Removes every container of the pod; call after killPod. */
  removePod(uid: string): Promise<void>;
  logs(containerId: string, options?: LogOptions): Promise<Readable>;
  exec(containerId: string, command: string[], options?: ExecOptions): Promise<ExecSession>;
  /** Attaches to the container's main process (its output from now on, its stdin if it has one open). */
  attach(containerId: string, options?: Pick<ExecOptions, 'stdin'>): Promise<ExecSession>;
  /** Runs a command to completion (exec probes); a timeout kills nothing but reports `timedOut`. */
  runInContainer(containerId: string, command: string[], timeoutMs: number): Promise<ExecResult>;
}
