import type { Node } from './generated/index.js';

/** A node's pod subnets as stored: spec.podCIDRs, or the older single spec.podCIDR. */
export function podCidrsOf(node: Node): string[] {
  const cidrs = node.spec?.podCIDRs ?? [];
  if (cidrs.length > 0) return cidrs;
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}
