import { randomUUID } from 'node:crypto';
import { resourceByName, type AnyObject } from '../../../lib/api/resources.js';
import type { Attributes } from '../authz/attributes.js';
import type { RequestScope } from '../request-scope.js';
import type { AuditLogWriter } from './log-writer.js';
import { auditLevelFor, type AuditLevel, type AuditPolicy } from './policy.js';

/** One finished request, as a transport saw it. */
export interface FinishedRequest {
  scope: RequestScope;
  receivedAt: Date;
  /** The HTTP request URI; gRPC calls get the URI of the same request over HTTP. */
  requestURI?: string;
  /** Kubernetes' verb, when the request got no further than authentication (HTTP method otherwise). */
  method: string;
  sourceIP: string;
  userAgent?: string;
  code: number;
  failure?: { reason: string; message: string };
}

/** audit.k8s.io/v1 MicroTime: RFC 3339 with microseconds. */
const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const VERB_OF_METHOD: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** The HTTP path of a resource request, for events of gRPC calls. */
function resourceURI(attrs: Attributes): string {
  const info = resourceByName(attrs.resource);
  const root = attrs.apiGroup ? `/apis/${attrs.apiGroup}/${info?.version ?? 'v1'}` : '/api/v1';
  return [root, attrs.namespace && `namespaces/${attrs.namespace}`, attrs.resource, attrs.name, attrs.subresource].filter(Boolean).join('/');
}

/** What the request was about; a create names its object only in the object itself. */
function objectRef(attrs: Attributes, scope: RequestScope): Record<string, string> {
  const info = resourceByName(attrs.resource);
  const ref: Record<string, string> = { resource: attrs.resource };
  const name = attrs.name || scope.responseObject?.metadata?.name || scope.requestObject?.metadata?.name;
  if (attrs.namespace) ref.namespace = attrs.namespace;
  if (name) ref.name = name;
  if (attrs.apiGroup) ref.apiGroup = attrs.apiGroup;
  ref.apiVersion = info?.version ?? 'v1';
  if (attrs.subresource) ref.subresource = attrs.subresource;
  return ref;
}

const withKind = (attrs: Attributes, object: AnyObject | undefined): object | undefined => {
  const info = resourceByName(attrs.resource);
  return object && info ? { kind: info.kind, apiVersion: info.apiVersion, ...object } : object;
};

/**
 * Kubernetes' audit log: one audit.k8s.io/v1 Event per request at its ResponseComplete stage, at
 * the level the policy gives it, for gRPC calls and HTTP requests alike. Building the event is
 * cheap and the writer never blocks, so auditing costs a request no disk time.
 */
export class Auditor {
  constructor(
    private readonly policy: AuditPolicy,
    private readonly writer: AuditLogWriter,
  ) {}

  record(r: FinishedRequest): void {
    const user = r.scope.user ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] };
    const path = r.requestURI?.split('?')[0] ?? '';
    const attrs: Attributes = r.scope.attributes ?? {
      user: { name: user.name, uid: '', groups: user.groups },
      verb: VERB_OF_METHOD[r.method] ?? r.method.toLowerCase(),
      resourceRequest: false,
      apiGroup: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
      path,
    };
    const decision = auditLevelFor(this.policy, { ...attrs, user: user.name, groups: user.groups, path: attrs.path || path });
    if (decision.level === 'None' || decision.omitStages.includes('ResponseComplete')) return;
    this.writer.write(this.event(r, attrs, user, decision.level));
  }

  private event(r: FinishedRequest, attrs: Attributes, user: { name: string; groups: readonly string[] }, level: AuditLevel): object {
    const detailed = level === 'Request' || level === 'RequestResponse';
    const annotations = r.scope.annotations;
    return {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: randomUUID(),
      stage: 'ResponseComplete',
      requestURI: r.requestURI ?? (attrs.resourceRequest ? resourceURI(attrs) : attrs.path),
      verb: attrs.verb,
      user: { username: user.name, groups: user.groups },
      sourceIPs: [r.sourceIP],
      ...(r.userAgent && { userAgent: r.userAgent }),
      ...(attrs.resourceRequest && { objectRef: objectRef(attrs, r.scope) }),
      responseStatus: { metadata: {}, code: r.code, ...(r.failure && { status: 'Failure', ...r.failure }) },
      ...(detailed && r.scope.requestObject && { requestObject: withKind(attrs, r.scope.requestObject) }),
      ...(level === 'RequestResponse' && r.scope.responseObject && { responseObject: withKind(attrs, r.scope.responseObject) }),
      requestReceivedTimestamp: microTime(r.receivedAt),
      stageTimestamp: microTime(new Date()),
      ...(Object.keys(annotations).length > 0 && { annotations }),
    };
  }
}
