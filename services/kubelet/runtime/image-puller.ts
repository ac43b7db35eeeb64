import type Docker from 'dockerode';
import type { ImageInspectInfo } from 'dockerode';
import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { Backoff } from './backoff.js';
import { ContainerStartError, dockerMessage, dockerStatusCode } from './errors.js';
import type { EventRecorder } from './events.js';
import { effectivePullPolicy, shouldPullImage, withDefaultTag } from './image-reference.js';

const DEFAULT_PULL_TIMEOUT_MS = 5 * 60_000;

export interface ImagePullerOptions {
  docker: Docker;
  /** Image-pull backoff, keyed by pod uid and image (10 s doubling to 5 min by default). */
  backoff?: Backoff;
  pullTimeoutMs?: number;
}

/**
 * Kubernetes' EnsureImageExists: honours imagePullPolicy, pulls through dockerd (which fails at
 * once on these machines: its proxy is a dead loopback port), and turns failures into the waiting
 * reasons users know: ErrImagePull, then ImagePullBackOff until the backoff window ends.
 */
export class ImagePuller {
  readonly #docker: Docker;
  readonly #backoff: Backoff;
  readonly #pullTimeoutMs: number;
  /** One pull per image at a time; concurrent pods wait for the same pull. */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(options: ImagePullerOptions) {
    this.#docker = options.docker;
    this.#backoff = options.backoff ?? new Backoff();
    this.#pullTimeoutMs = options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
  }

  /** Milliseconds until this pod may pull this image again (0 if it may now). */
  retryAfter(pod: Pod, image: string): number {
    return this.#backoff.remainingSinceUpdate(backoffKey(pod, image));
  }

  /** Returns the image ID, or throws ContainerStartError with the waiting reason. */
  async ensureImage(pod: Pod, container: Container, events: EventRecorder, fieldPath: string): Promise<ImageInspectInfo> {
    const image = container.image ?? '';
    const warn = (reason: string, message: string) => events.event(pod, 'Warning', reason, message, fieldPath);
    const normal = (reason: string, message: string) => events.event(pod, 'Normal', reason, message, fieldPath);
    if (image.trim() === '') {
      const message = `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": invalid reference format`;
      warn('InspectFailed', message);
      throw new ContainerStartError('InvalidImageName', message);
    }
    const ref = withDefaultTag(image);
    let present: ImageInspectInfo | undefined;
    try {
      present = await this.inspect(ref);
    } catch (err) {
      const message = `Failed to inspect image "${image}": ${dockerMessage(err)}`;
      warn('InspectFailed', message);
      throw new ContainerStartError('ImageInspectError', message);
    }

    const policy = effectivePullPolicy(container);
    if (!shouldPullImage(policy, present !== undefined)) {
      if (present) {
        normal('Pulled', `Container image "${image}" already present on machine`);
        return present;
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      warn('ErrImageNeverPull', message);
      throw new ContainerStartError('ErrImageNeverPull', message);
    }

    const key = backoffKey(pod, image);
    if (this.#backoff.isInBackOffSinceUpdate(key)) {
      const message = `Back-off pulling image "${image}"`;
      normal('BackOff', message);
      throw new ContainerStartError('ImagePullBackOff', message);
    }

    normal('Pulling', `Pulling image "${image}"`);
    const started = performance.now();
    try {
      await this.#pullOnce(ref);
    } catch (err) {
      const message = dockerMessage(err);
      warn('Failed', `Failed to pull image "${image}": ${message}`);
      this.#backoff.next(key);
      throw new ContainerStartError('ErrImagePull', message);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(3);
    normal('Pulled', `Successfully pulled image "${image}" in ${seconds}s`);
    this.#backoff.gc();
    const pulled = await this.inspect(ref);
    if (!pulled) throw new ContainerStartError('ErrImagePull', `image "${image}" is missing after a successful pull`);
    return pulled;
  }

  /** The image's inspect record, or undefined when Docker does not have it. */
  async inspect(ref: string): Promise<ImageInspectInfo | undefined> {
    try {
      return await this.#docker.getImage(ref).inspect();
    } catch (err) {
      if (dockerStatusCode(err) === 404) return undefined;
      throw err;
    }
  }

  /**
   * An image the kubelet itself needs (the pause image), pulled once when missing, as the kubelet
   * pulls its sandbox image: a node whose engine has a registry mirror gets it from there.
   */
  async ensurePresent(ref: string): Promise<void> {
    if (await this.inspect(ref)) return;
    await this.#pullOnce(ref);
    if (!(await this.inspect(ref))) throw new Error(`image "${ref}" is missing after its pull`);
  }

  #pullOnce(ref: string): Promise<void> {
    let pull = this.#inFlight.get(ref);
    if (!pull) {
      pull = this.#pull(ref).finally(() => this.#inFlight.delete(ref));
      this.#inFlight.set(ref, pull);
    }
    return pull;
  }

  async #pull(ref: string): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#pullTimeoutMs);
    try {
      const stream = (await this.#docker.pull(ref, { abortSignal: abort.signal })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        abort.signal.addEventListener('abort', () => reject(new Error(`pull of ${ref} timed out after ${this.#pullTimeoutMs} ms`)), {
          once: true,
        });
        this.#docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

function backoffKey(pod: Pod, image: string): string {
  return `${pod.metadata?.uid ?? ''}_${image}`;
}
