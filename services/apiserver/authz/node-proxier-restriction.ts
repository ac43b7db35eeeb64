import { NODE_NETWORK_ANNOTATION_PREFIX, nodeOfProxier } from '../../../lib/auth/node-proxier.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import type { Attributes } from './attributes.js';
import type { PatchBody } from './escalation.js';
import { refuse, WRITE_VERBS } from './node-restriction.js';

const OWNED = `only ${NODE_NETWORK_ANNOTATION_PREFIX} annotations`;

/** A JSON pointer segment as RFC 6901 escapes it (`/` as `~1`, `~` as `~0`). */
const pointerSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const OWNED_POINTER = `/metadata/annotations/${pointerSegment(NODE_NETWORK_ANNOTATION_PREFIX)}`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a merge or strategic merge patch touches besides the network annotations, as field paths. */
function foreignFieldsOfMergePatch(patch: unknown): string[] {
  if (!isRecord(patch)) return ['(the whole object)'];
  const foreign: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key !== 'metadata' || !isRecord(value)) {
      foreign.push(key);
      continue;
    }
    for (const [field, inner] of Object.entries(value)) {
      if (field !== 'annotations' || !isRecord(inner)) foreign.push(`metadata.${field}`);
      else for (const annotation of Object.keys(inner)) if (!annotation.startsWith(NODE_NETWORK_ANNOTATION_PREFIX)) foreign.push(`metadata.annotations[${annotation}]`);
    }
  }
  return foreign;
}

/** What a JSON patch's operations change (or move from) besides the network annotations; `test` changes nothing. */
function foreignPathsOfJsonPatch(patch: unknown): string[] {
  if (!Array.isArray(patch)) return ['(the whole object)'];
  const foreign: string[] = [];
  for (const op of patch as Array<{ op?: unknown; path?: unknown; from?: unknown }>) {
    if (op?.op === 'test') continue;
    for (const path of op?.op === 'move' ? [op.path, op.from] : [op?.path]) {
      if (typeof path !== 'string' || !path.startsWith(OWNED_POINTER)) foreign.push(String(path));
    }
  }
  return foreign;
}

function foreignFields(patch: PatchBody): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(patch.text);
  } catch {
    // Not JSON: applying it fails, so it changes nothing.
    return [];
  }
  return patch.type === 'json' ? foreignPathsOfJsonPatch(parsed) : foreignFieldsOfMergePatch(parsed);
}

/**
 * NodeRestriction for the proxy of a node (`system:kube-proxy:<node>`, see lib/auth/node-proxier):
 * RBAC lets every node's proxy patch Nodes, so that its pod network agent can publish its tunnel
 * endpoint; this lets it patch only its own Node, and in it only the network annotations. So a
 * node that is taken over cannot redirect another node's pod traffic, cordon it or change its
 * taints, addresses or labels. Other writers are not restricted here.
 */
export function admitNodeProxierWrite(attrs: Attributes, object?: AnyObject, patch?: PatchBody): void {
  const node = nodeOfProxier(attrs.user);
  if (node === undefined || !attrs.resourceRequest || attrs.apiGroup !== '' || attrs.resource !== 'nodes' || !WRITE_VERBS.has(attrs.verb)) return;
  const name = attrs.name || object?.metadata?.name || '';
  if (name !== node) throw refuse(attrs, name, `node "${node}" is not allowed to modify node "${name}"`);
  if (attrs.verb !== 'patch' || attrs.subresource || !patch) {
    throw refuse(attrs, name, `node "${node}" may change its Node only by a patch of its metadata (${OWNED})`);
  }
  const foreign = foreignFields(patch);
  if (foreign.length > 0) throw refuse(attrs, name, `node "${node}" is not allowed to modify ${foreign.join(', ')} (${OWNED})`);
}
