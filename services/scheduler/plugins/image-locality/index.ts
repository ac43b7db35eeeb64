import type { CycleState } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE, type FrameworkHandle, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';

const MB = 1024 * 1024;
/** Bounds of the image-size range that scores, per container (kube-scheduler's thresholds). */
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/**
 * Prefers nodes that already hold the pod's images, weighting each image by its size and by
 * how widely it has spread (an image on every node says nothing about this one, and favouring
 * it would pile pods onto the first nodes that pulled it).
 */
class ImageLocalityPlugin implements PreScorePlugin, ScorePlugin {
  readonly name = names.ImageLocality;
  readonly #skip = Status.skip(this.name);

  constructor(private readonly handle: FrameworkHandle) {}

  /**
   * Skip when no node holds any of the pod's images (every node would score 0, which changes no
   * ranking): a pod of a fresh image, or a cluster whose nodes report no images, saves a pass
   * over every feasible node.
   */
  preScore(_state: CycleState, pod: PodInfo): PluginResult {
    return pod.images.some((image) => this.handle.snapshot.imageNumNodes(image) > 0) ? null : this.#skip;
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    if (nodeInfo.imageSizes.size === 0 || pod.images.length === 0) return 0;
    const totalNodes = this.handle.snapshot.list().length;
    let sum = 0;
    for (const image of pod.images) {
      const size = nodeInfo.imageSizes.get(image);
      if (size === undefined) continue;
      const spread = this.handle.snapshot.imageNumNodes(image) / totalNodes;
      sum += Math.trunc(size * spread);
    }
    const maxThreshold = MAX_CONTAINER_THRESHOLD * pod.images.length;
    const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), maxThreshold);
    return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  }
}

export const newImageLocality = (handle: FrameworkHandle) => new ImageLocalityPlugin(handle);
