import { unwrap, type Envelope } from '../../../lib/api/envelope.js';
import type * as t from '../../../lib/api/generated/index.js';
import { resourceByRequestName, type AnyObject } from '../../../lib/api/resources.js';
import { parseFieldSelector } from '../../../lib/labels/field-selector.js';
import { nonResourceAttributes, resourceAttributes, type Attributes, type UserInfo } from './attributes.js';

const AUTHORIZATION_GROUP = 'authorization.k8s.io';

/**
 * A resource as a request names it (plural, singular or kind; or, left empty, the kind of the
 * object it carries), as its plural. An unknown one keeps its name and is refused as NotFound
 * after authorization.
 */
function target(resource: string | undefined, namespace: string | undefined, carried?: Envelope): { apiGroup: string; resource: string; namespace: string } {
  const info = resource ? resourceByRequestName(resource) : unwrap(carried)?.info;
  return { apiGroup: info?.group ?? '', resource: info?.resource ?? resource ?? '', namespace: info && !info.namespaced ? '' : (namespace ?? '') };
}

/** A list or watch narrowed to one name by `metadata.name=` is about that object, as in Kubernetes. */
function nameFromFieldSelector(selector: string | undefined): string {
  if (!selector) return '';
  try {
    return parseFieldSelector(selector).requiresExactMatch('metadata.name') ?? '';
  } catch {
    return '';
  }
}

const objectName = (envelope: Envelope | undefined): string => unwrap(envelope)?.object.metadata?.name ?? '';

/** The object a write carries, for admission (NodeRestriction); undefined for calls that carry none. */
export function requestObject(method: string, req: unknown): AnyObject | t.TokenRequest | undefined {
  if (method === 'CreateToken') return (req as t.CreateTokenRequest).tokenRequest ?? {};
  if (method !== 'Create' && method !== 'Update' && method !== 'UpdateStatus') return undefined;
  return unwrap((req as { object?: Envelope }).object)?.object;
}

/** The patch a Patch call carries, for admission (RBAC's escalation check). */
export function requestPatch(method: string, req: unknown): { type: string; text: string } | undefined {
  if (method !== 'Patch') return undefined;
  const q = req as t.PatchRequest;
  return { type: q.patchType || 'merge', text: q.patch || '{}' };
}

/**
 * The authorization attributes of one call of the Resources service: Kubernetes' verb, resource,
 * subresource, namespace and name for the REST request the call stands for.
 */
export function grpcAttributes(method: string, user: UserInfo, req: unknown): Attributes {
  const r = req as Record<string, unknown>;
  switch (method) {
    case 'Create': {
      const q = r as t.CreateRequest;
      return resourceAttributes(user, 'create', target(q.resource, q.namespace, q.object));
    }
    case 'Get': {
      const q = r as t.GetRequest;
      return resourceAttributes(user, 'get', { ...target(q.resource, q.namespace), name: q.name ?? '' });
    }
    case 'List':
    case 'Watch': {
      const q = r as t.ListRequest;
      return resourceAttributes(user, method === 'List' ? 'list' : 'watch', { ...target(q.resource, q.namespace), name: nameFromFieldSelector(q.fieldSelector) });
    }
    case 'Update':
    case 'UpdateStatus': {
      const q = r as t.UpdateRequest;
      const subresource = method === 'UpdateStatus' ? q.subresource || 'status' : '';
      return resourceAttributes(user, 'update', { ...target(q.resource, q.namespace, q.object), subresource, name: objectName(q.object) });
    }
    case 'Patch': {
      const q = r as t.PatchRequest;
      return resourceAttributes(user, 'patch', { ...target(q.resource, q.namespace), subresource: q.status ? 'status' : '', name: q.name ?? '' });
    }
    case 'Delete': {
      const q = r as t.DeleteRequest;
      return resourceAttributes(user, 'delete', { ...target(q.resource, q.namespace), name: q.name ?? '' });
    }
    case 'Bind': {
      const q = r as t.BindRequest;
      const meta = q.binding?.metadata;
      return resourceAttributes(user, 'create', { apiGroup: '', resource: 'pods', subresource: 'binding', namespace: q.namespace || meta?.namespace || '', name: meta?.name ?? '' });
    }
    case 'Evict': {
      const q = r as t.EvictRequest;
      return resourceAttributes(user, 'create', { apiGroup: '', resource: 'pods', subresource: 'eviction', namespace: q.namespace ?? '', name: q.name ?? '' });
    }
    case 'GetScale':
    case 'UpdateScale': {
      const q = r as t.ScaleRequest;
      return resourceAttributes(user, method === 'GetScale' ? 'get' : 'update', { ...target(q.resource, q.namespace), subresource: 'scale', name: q.name ?? '' });
    }
    case 'Logs': {
      const q = r as t.LogsRequest;
      return resourceAttributes(user, 'get', { apiGroup: '', resource: 'pods', subresource: 'log', namespace: q.namespace ?? '', name: q.name ?? '' });
    }
    case 'Exec':
    case 'Attach':
    case 'PortForward': {
      const q = r as { namespace?: string; name?: string };
      const subresource = method === 'PortForward' ? 'portforward' : method.toLowerCase();
      return resourceAttributes(user, 'create', { apiGroup: '', resource: 'pods', subresource, namespace: q.namespace ?? '', name: q.name ?? '' });
    }
    case 'Version':
      return nonResourceAttributes(user, 'get', '/version');
    case 'SubjectAccessReview':
      return resourceAttributes(user, 'create', { apiGroup: AUTHORIZATION_GROUP, resource: 'subjectaccessreviews' });
    case 'SelfSubjectAccessReview':
      return resourceAttributes(user, 'create', { apiGroup: AUTHORIZATION_GROUP, resource: 'selfsubjectaccessreviews' });
    case 'SelfSubjectRulesReview':
      return resourceAttributes(user, 'create', { apiGroup: AUTHORIZATION_GROUP, resource: 'selfsubjectrulesreviews' });
    case 'CreateToken': {
      const q = r as t.CreateTokenRequest;
      return resourceAttributes(user, 'create', { apiGroup: '', resource: 'serviceaccounts', subresource: 'token', namespace: q.namespace ?? '', name: q.name ?? '' });
    }
    default:
      throw new Error(`no authorization attributes for ${method}`);
  }
}
