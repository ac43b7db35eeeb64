import type { NodeInfoLister } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';

/**
 * The nodes one scheduling cycle sees (kube-scheduler's Snapshot). It is updated in place from
 * the cache at the start of each cycle, copying only the NodeInfos that changed since the last
 * update (by generation), so a cycle costs O(changed nodes), not O(all pods). Plugins hold on
 * to this object; the filters and scores of one cycle see one consistent state.
 */
export class Snapshot implements NodeInfoLister {
  readonly nodeInfoMap = new Map<string, NodeInfo>();
  nodeInfoList: NodeInfo[] = [];
  podsWithAffinityList: NodeInfo[] = [];
  podsWithRequiredAntiAffinityList: NodeInfo[] = [];
  /** The newest NodeInfo generation copied in. */
  generation = 0;
  /** The cache's node-set version the list was built from. */
  listVersion = -1;
  imageCounts: ReadonlyMap<string, number> = new Map();
  imagesVersion = -1;

  list(): readonly NodeInfo[] {
    return this.nodeInfoList;
  }

  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }

  havePodsWithAffinityList(): readonly NodeInfo[] {
    return this.podsWithAffinityList;
  }

  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[] {
    return this.podsWithRequiredAntiAffinityList;
  }

  imageNumNodes(image: string): number {
    return this.imageCounts.get(image) ?? 0;
  }

  numNodes(): number {
    return this.nodeInfoList.length;
  }
}
