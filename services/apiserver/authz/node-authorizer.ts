import type { PolicyRule } from '../../../lib/api/generated/index.js';
import type { Attributes } from './attributes.js';
import { ALLOW, NO_OPINION, noOpinion, type Authorizer, type Decision } from './decision.js';
import type { NodeGraph, ReferencedKind } from './node-graph.js';
import { nodeNameOf } from './node-identity.js';
import { rulesAllow } from './rules.js';

/** Core resources a node reads only along the graph, by resource name. */
const GRAPH_KINDS: ReadonlyMap<string, ReferencedKind | 'persistentVolume'> = new Map([
  ['secrets', 'secret'],
  ['configmaps', 'configMap'],
  ['persistentvolumeclaims', 'persistentVolumeClaim'],
  ['persistentvolumes', 'persistentVolume'],
]);

/** Reading one object by name: a get, or a list or watch narrowed to its name. */
const READ_VERBS = new Set(['get', 'list', 'watch']);

export interface NodeAuthorizerOptions {
  graph: NodeGraph;
  /** What a node may do besides reading along the graph: the system:node role's rules. */
  nodeRules: readonly PolicyRule[];
  /** The volume a claim is bound to ('' when unbound or unknown). */
  claimVolume(namespace: string, name: string): string;
}

/**
 * Kubernetes' Node authorizer: a kubelet (`system:node:<name>`) reads Secrets, ConfigMaps, claims
 * and their volumes only when a pod bound to its node uses them, and otherwise gets the
 * system:node role's rules. Which node and pod a write may touch is NodeRestriction's to check.
 */
export class NodeAuthorizer implements Authorizer {
  constructor(private readonly opts: NodeAuthorizerOptions) {}

  authorize(attrs: Attributes): Decision {
    const node = nodeNameOf(attrs.user);
    if (node === undefined) return NO_OPINION;
    if (attrs.resourceRequest && attrs.apiGroup === '' && attrs.resource === 'serviceaccounts' && attrs.subresource === 'token') {
      // Tokens only for the accounts of its pods; NodeRestriction checks the token is bound to such a pod.
      if (attrs.verb !== 'create' || !attrs.name) return noOpinion('can only create tokens for individual service accounts');
      return this.opts.graph.reaches(node, 'serviceAccount', attrs.namespace, attrs.name) ? ALLOW : noOpinion(`no relationship found between node '${node}' and this object`);
    }
    const kind = attrs.resourceRequest && attrs.apiGroup === '' && !attrs.subresource ? GRAPH_KINDS.get(attrs.resource) : undefined;
    if (kind) {
      if (!READ_VERBS.has(attrs.verb) || !attrs.name) return noOpinion(`can only read individual ${attrs.resource} by name`);
      return this.reaches(node, kind, attrs.namespace, attrs.name) ? ALLOW : noOpinion(`no relationship found between node '${node}' and this object`);
    }
    return rulesAllow(attrs, this.opts.nodeRules) ? ALLOW : NO_OPINION;
  }

  private reaches(node: string, kind: ReferencedKind | 'persistentVolume', namespace: string, name: string): boolean {
    const { graph } = this.opts;
    if (kind !== 'persistentVolume') return graph.reaches(node, kind, namespace, name);
    return graph.claimsOf(node).some((claim) => this.opts.claimVolume(claim.namespace, claim.name) === name);
  }
}
