import type { Envelope } from '../../lib/api/envelope.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import { requestScope, type RequestKind } from './metrics.js';
import { resolveResource } from './request-context.js';

// What a gRPC call is in kube-apiserver's request metrics: the HTTP verb and subresource the same
// call has in Kubernetes' REST API, so both transports count into the same series.

interface MethodShape {
  verb: string;
  subresource?: string;
  /** A call on a collection (create, list, watch) rather than on one object. */
  collection?: boolean;
  /** The resource the method always addresses (Bind is pods/binding whatever the request says). */
  resource?: string;
}

const METHODS: Record<string, MethodShape> = {
  Create: { verb: 'POST', collection: true },
  Get: { verb: 'GET' },
  List: { verb: 'LIST', collection: true },
  Watch: { verb: 'WATCH', collection: true },
  Update: { verb: 'PUT' },
  UpdateStatus: { verb: 'PUT', subresource: 'status' },
  Patch: { verb: 'PATCH' },
  Delete: { verb: 'DELETE' },
  Bind: { verb: 'POST', subresource: 'binding', resource: 'pods' },
  GetScale: { verb: 'GET', subresource: 'scale' },
  UpdateScale: { verb: 'PUT', subresource: 'scale' },
  Logs: { verb: 'GET', subresource: 'log', resource: 'pods' },
  Exec: { verb: 'CONNECT', subresource: 'exec', resource: 'pods' },
  Attach: { verb: 'CONNECT', subresource: 'attach', resource: 'pods' },
  PortForward: { verb: 'CONNECT', subresource: 'portforward', resource: 'pods' },
  Evict: { verb: 'POST', subresource: 'eviction', resource: 'pods' },
};

type CallRequest = { resource?: string; namespace?: string; name?: string; object?: Envelope; status?: boolean } | undefined;

function resourceOf(shape: MethodShape, req: CallRequest): ResourceInfo | undefined {
  try {
    return resolveResource(shape.resource ?? req?.resource ?? '', req?.object);
  } catch {
    // An unknown resource is counted without one: its name is the caller's text, unbounded.
    return undefined;
  }
}

/** The request kind of a gRPC call, from its method and decoded request (undefined when it could not be decoded). */
export function grpcRequestKind(method: string, req: unknown): RequestKind {
  const shape = METHODS[method];
  // Version and the access reviews: counted without a resource, as /version is.
  if (!shape) return { verb: method === 'Version' ? 'GET' : 'POST', scope: '' };
  const r = req as CallRequest;
  const info = resourceOf(shape, r);
  const subresource = shape.subresource ?? (method === 'Patch' && r?.status ? 'status' : undefined);
  return { verb: shape.verb, info, subresource, scope: requestScope(info, r?.namespace, !shape.collection) };
}
