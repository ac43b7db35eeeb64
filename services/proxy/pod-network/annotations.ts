import type { Node } from '../../../lib/api/generated/index.js';
import { NODE_NETWORK_ANNOTATION_PREFIX } from '../../../lib/auth/node-proxier.js';

// What a node's network agent publishes on its Node for the others, as flannel's annotations of
// the same names do: the backend it runs, that backend's data (for VXLAN, the VNI and the MAC of
// its tunnel endpoint) and the address its tunnel packets are sent to. The apiserver lets a node's
// proxy write these (its prefix) on its own Node and nothing else.
export const BACKEND_TYPE_ANNOTATION = `${NODE_NETWORK_ANNOTATION_PREFIX}backend-type`;
export const BACKEND_DATA_ANNOTATION = `${NODE_NETWORK_ANNOTATION_PREFIX}backend-data`;
export const PUBLIC_IP_ANNOTATION = `${NODE_NETWORK_ANNOTATION_PREFIX}public-ip`;

const PUBLISHED = [BACKEND_TYPE_ANNOTATION, BACKEND_DATA_ANNOTATION, PUBLIC_IP_ANNOTATION] as const;

/** The published network annotations of a node, in a fixed order (absent ones as ''). */
export function publishedNetworkData(node: Node): string[] {
  return PUBLISHED.map((key) => node.metadata?.annotations?.[key] ?? '');
}
