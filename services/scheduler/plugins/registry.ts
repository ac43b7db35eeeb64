import type { PluginSpec } from '../framework/framework.js';
import { newImageLocality } from './image-locality/index.js';
import { newInterPodAffinity } from './inter-pod-affinity/index.js';
import * as names from './names.js';
import { newNodeAffinity } from './node-affinity/index.js';
import { newNodeName } from './node-name/index.js';
import { newNodePorts } from './node-ports/index.js';
import { newNodeReady } from './node-ready/index.js';
import { newBalancedAllocation } from './node-resources-balanced-allocation/index.js';
import { newNodeResourcesFit } from './node-resources-fit/index.js';
import { newNodeUnschedulable } from './node-unschedulable/index.js';
import { newPodTopologySpread } from './pod-topology-spread/index.js';
import { newTaintToleration } from './taint-toleration/index.js';
import { newVolumeBinding } from './volume-binding/index.js';
import { newVolumeRestrictions } from './volume-restrictions/index.js';

/**
 * The default profile: kube-scheduler's default plugins in its order (filters run in this
 * order and stop at the first rejection, which decides the reason a node reports) with its
 * default score weights. NodeReady sits right after TaintToleration, so a node the lifecycle
 * controller has already tainted reports the taint, as kube-scheduler would.
 */
export function defaultPlugins(): PluginSpec[] {
  return [
    { name: names.NodeUnschedulable, factory: newNodeUnschedulable },
    { name: names.NodeName, factory: newNodeName },
    { name: names.TaintToleration, factory: newTaintToleration, weight: 3 },
    { name: names.NodeReady, factory: newNodeReady },
    { name: names.NodeAffinity, factory: newNodeAffinity, weight: 2 },
    { name: names.NodePorts, factory: newNodePorts },
    { name: names.NodeResourcesFit, factory: newNodeResourcesFit, weight: 1 },
    { name: names.PodTopologySpread, factory: newPodTopologySpread, weight: 2 },
    { name: names.InterPodAffinity, factory: newInterPodAffinity, weight: 2 },
    { name: names.NodeResourcesBalancedAllocation, factory: newBalancedAllocation, weight: 1 },
    { name: names.ImageLocality, factory: newImageLocality, weight: 1 },
    { name: names.VolumeRestrictions, factory: newVolumeRestrictions },
    { name: names.VolumeBinding, factory: newVolumeBinding },
  ];
}
