/** Plugin names, as kube-scheduler spells them (they appear in logs and profiles). */
export const NodeUnschedulable = 'NodeUnschedulable';
export const NodeName = 'NodeName';
export const NodeReady = 'NodeReady';
export const TaintToleration = 'TaintToleration';
export const NodeAffinity = 'NodeAffinity';
export const NodePorts = 'NodePorts';
export const NodeResourcesFit = 'NodeResourcesFit';
export const NodeResourcesBalancedAllocation = 'NodeResourcesBalancedAllocation';
export const PodTopologySpread = 'PodTopologySpread';
export const InterPodAffinity = 'InterPodAffinity';
export const ImageLocality = 'ImageLocality';
export const VolumeRestrictions = 'VolumeRestrictions';
export const VolumeBinding = 'VolumeBinding';
