import type { Node, Pod } from '../../../lib/api/generated/index.js';
import { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import { NodeTree } from './node-tree.js';
import type { Snapshot } from './snapshot.js';

export class SchedulerCacheError extends Error {
  override readonly name = 'SchedulerCacheError';
}

/** A NodeInfo in the cache's most-recently-changed list. */
interface NodeItem {
  info: NodeInfo;
  prev: NodeItem | undefined;
  next: NodeItem | undefined;
}

interface ImageState {
  size: number;
  nodes: Set<string>;
}

/**
 * What the scheduler believes is running where (kube-scheduler's cache): nodes from the
 * informer, pods bound to them, and pods this scheduler has *assumed* onto a node while their
 * binding is still in flight, so the next cycle already counts them. An assumed pod is
 * confirmed when the informer reports it bound, or forgotten when the binding fails.
 *
 * NodeInfos sit in a list ordered by last change, newest first, each stamped with a global
 * generation; updateSnapshot walks the list only until it reaches what the snapshot has seen.
 */
export class SchedulerCache {
  readonly #nodes = new Map<string, NodeItem>();
  #head: NodeItem | undefined;
  readonly #tree = new NodeTree();
  /** Bumped when the set of nodes or their zones change: the snapshot rebuilds its lists. */
  #listVersion = 0;
  readonly #pods = new Map<string, PodInfo>();
  readonly #assumed = new Set<string>();
  readonly #images = new Map<string, ImageState>();
  #imagesVersion = 0;

  // ---- nodes ----

  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const item = this.#item(name);
    const oldImages = item.info.node ? item.info.imageSizes : undefined;
    item.info.setNode(node);
    // Heartbeats update nodes constantly; only a changed image list touches the image index.
    if (!oldImages || !sameKeys(oldImages, item.info.imageSizes)) {
      if (oldImages) this.#removeImages(name, oldImages);
      this.#addImages(name, item.info.imageSizes);
    }
    if (this.#tree.set(name, item.info.labels)) this.#listVersion++;
    this.#moveToHead(item);
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const item = this.#nodes.get(name);
    if (!item) return;
    if (item.info.node) this.#removeImages(name, item.info.imageSizes);
    if (this.#tree.delete(name)) this.#listVersion++;
    if (item.info.pods.length === 0) {
      this.#unlink(item);
      this.#nodes.delete(name);
    } else {
      // Pods still point at the node; keep their accounting until they are deleted too.
      item.info.removeNode();
      this.#moveToHead(item);
    }
  }

  get nodeCount(): number {
    return this.#tree.size;
  }

  // ---- pods ----

  /** The informer saw a pod bound to a node (possibly one this scheduler assumed). */
  addPod(pod: Pod): void {
    const info = PodInfo.of(pod);
    const current = this.#pods.get(info.uid);
    if (current && this.#assumed.has(info.uid)) {
      this.#assumed.delete(info.uid);
      this.#replace(current, info);
      return;
    }
    if (current) {
      this.#replace(current, info);
      return;
    }
    this.#add(info);
  }

  updatePod(_oldPod: Pod, newPod: Pod): void {
    const info = PodInfo.of(newPod);
    const current = this.#pods.get(info.uid);
    if (!current) {
      this.#add(info);
      return;
    }
    // An update of an assumed pod before its add arrives confirms it just the same.
    this.#assumed.delete(info.uid);
    this.#replace(current, info);
  }

  removePod(pod: Pod): void {
    const uid = PodInfo.of(pod).uid;
    const current = this.#pods.get(uid);
    if (!current) return;
    this.#assumed.delete(uid);
    this.#remove(current);
  }

  /** Counts a pod on its chosen node before the binding is written; `pod.nodeName` must be set. */
  assumePod(pod: PodInfo): void {
    if (!pod.nodeName) throw new SchedulerCacheError(`cannot assume pod ${pod.key} without a node name`);
    if (this.#pods.has(pod.uid)) throw new SchedulerCacheError(`pod ${pod.key} is already in the cache`);
    this.#add(pod);
    this.#assumed.add(pod.uid);
  }

  /** Undoes assumePod after a failed binding. */
  forgetPod(pod: PodInfo): void {
    const current = this.#pods.get(pod.uid);
    if (!current || !this.#assumed.has(pod.uid)) return;
    this.#assumed.delete(pod.uid);
    this.#remove(current);
  }

  isAssumed(uid: string): boolean {
    return this.#assumed.has(uid);
  }

  getPod(uid: string): PodInfo | undefined {
    return this.#pods.get(uid);
  }

  get podCount(): number {
    return this.#pods.size;
  }

  get assumedCount(): number {
    return this.#assumed.size;
  }

  #add(info: PodInfo): void {
    this.#pods.set(info.uid, info);
    const item = this.#item(info.nodeName);
    item.info.addPod(info);
    this.#moveToHead(item);
  }

  #remove(info: PodInfo): void {
    this.#pods.delete(info.uid);
    const item = this.#nodes.get(info.nodeName);
    if (!item) return;
    item.info.removePod(info);
    if (!item.info.node && item.info.pods.length === 0) {
      this.#unlink(item);
      this.#nodes.delete(info.nodeName);
    } else {
      this.#moveToHead(item);
    }
  }

  #replace(current: PodInfo, next: PodInfo): void {
    this.#remove(current);
    this.#add(next);
  }

  // ---- images ----

  #addImages(nodeName: string, images: ReadonlyMap<string, number>): void {
    for (const [name, size] of images) {
      let state = this.#images.get(name);
      if (!state) this.#images.set(name, (state = { size, nodes: new Set() }));
      state.nodes.add(nodeName);
    }
    if (images.size > 0) this.#imagesVersion++;
  }

  #removeImages(nodeName: string, images: ReadonlyMap<string, number>): void {
    for (const name of images.keys()) {
      const state = this.#images.get(name);
      if (!state) continue;
      state.nodes.delete(nodeName);
      if (state.nodes.size === 0) this.#images.delete(name);
    }
    if (images.size > 0) this.#imagesVersion++;
  }

  // ---- the most-recently-changed list ----

  #item(name: string): NodeItem {
    let item = this.#nodes.get(name);
    if (!item) {
      item = { info: new NodeInfo(name), prev: undefined, next: undefined };
      this.#nodes.set(name, item);
    }
    return item;
  }

  #unlink(item: NodeItem): void {
    if (item.prev) item.prev.next = item.next;
    if (item.next) item.next.prev = item.prev;
    if (this.#head === item) this.#head = item.next;
    item.prev = item.next = undefined;
  }

  #moveToHead(item: NodeItem): void {
    if (this.#head === item) return;
    this.#unlink(item);
    item.next = this.#head;
    if (this.#head) this.#head.prev = item;
    this.#head = item;
  }

  // ---- snapshots ----

  /**
   * Brings `snapshot` up to date: copies the NodeInfos changed since its generation and
   * rebuilds its node lists only when the node set, zones or affinity pods changed.
   */
  updateSnapshot(snapshot: Snapshot): void {
    let rebuildAll = snapshot.listVersion !== this.#listVersion;
    let rebuildAffinity = false;
    for (let item = this.#head; item && item.info.generation > snapshot.generation; item = item.next) {
      const info = item.info;
      if (!info.node) continue;
      let existing = snapshot.nodeInfoMap.get(info.name);
      if (!existing) {
        existing = new NodeInfo(info.name);
        snapshot.nodeInfoMap.set(info.name, existing);
        rebuildAll = true;
      }
      const hadAffinity = existing.podsWithAffinity.length > 0;
      const hadAntiAffinity = existing.podsWithRequiredAntiAffinity.length > 0;
      existing.copyFrom(info);
      if (hadAffinity !== existing.podsWithAffinity.length > 0 || hadAntiAffinity !== existing.podsWithRequiredAntiAffinity.length > 0) {
        rebuildAffinity = true;
      }
    }
    if (this.#head) snapshot.generation = this.#head.info.generation;

    if (snapshot.imagesVersion !== this.#imagesVersion) {
      snapshot.imageCounts = new Map([...this.#images].map(([name, s]) => [name, s.nodes.size]));
      snapshot.imagesVersion = this.#imagesVersion;
    }

    if (rebuildAll) {
      const names = this.#tree.list();
      const live = new Set(names);
      for (const name of snapshot.nodeInfoMap.keys()) if (!live.has(name)) snapshot.nodeInfoMap.delete(name);
      snapshot.nodeInfoList = names.map((n) => snapshot.nodeInfoMap.get(n)).filter((n): n is NodeInfo => n !== undefined);
      snapshot.listVersion = this.#listVersion;
    }
    if (rebuildAll || rebuildAffinity) {
      snapshot.podsWithAffinityList = snapshot.nodeInfoList.filter((n) => n.podsWithAffinity.length > 0);
      snapshot.podsWithRequiredAntiAffinityList = snapshot.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    }
  }
}

function sameKeys(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
}
