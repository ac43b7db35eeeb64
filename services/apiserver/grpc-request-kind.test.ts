import { describe, expect, it } from 'vitest';
import { grpcRequestKind } from './grpc-request-kind.js';

const brief = (method: string, req: unknown) => {
  const kind = grpcRequestKind(method, req);
  return { verb: kind.verb, resource: kind.info?.resource, subresource: kind.subresource, scope: kind.scope };
};

describe('grpcRequestKind', () => {
  it.each([
    ['Create', { namespace: 'ns', object: { configMap: {} } }, { verb: 'POST', resource: 'configmaps', subresource: undefined, scope: 'namespace' }],
    ['List', { resource: 'pods', namespace: 'ns' }, { verb: 'LIST', resource: 'pods', subresource: undefined, scope: 'namespace' }],
    ['List', { resource: 'pods' }, { verb: 'LIST', resource: 'pods', subresource: undefined, scope: 'cluster' }],
    ['Watch', { resource: 'Node' }, { verb: 'WATCH', resource: 'nodes', subresource: undefined, scope: 'cluster' }],
    ['Get', { resource: 'pod', namespace: 'ns', name: 'p' }, { verb: 'GET', resource: 'pods', subresource: undefined, scope: 'resource' }],
    ['UpdateStatus', { namespace: 'ns', object: { pod: {} } }, { verb: 'PUT', resource: 'pods', subresource: 'status', scope: 'resource' }],
    ['Patch', { resource: 'deployments', namespace: 'ns', name: 'd', status: true }, { verb: 'PATCH', resource: 'deployments', subresource: 'status', scope: 'resource' }],
    ['Bind', { namespace: 'ns', binding: {} }, { verb: 'POST', resource: 'pods', subresource: 'binding', scope: 'resource' }],
    ['Logs', { namespace: 'ns', name: 'p' }, { verb: 'GET', resource: 'pods', subresource: 'log', scope: 'resource' }],
    ['Exec', { start: {} }, { verb: 'CONNECT', resource: 'pods', subresource: 'exec', scope: 'resource' }],
    ['Version', {}, { verb: 'GET', resource: undefined, subresource: undefined, scope: '' }],
  ])('%s %j', (method, req, expected) => {
    expect(brief(method, req)).toEqual(expected);
  });

  it("counts an unknown resource or an undecodable request without a resource (the caller's text is unbounded)", () => {
    expect(brief('Get', { resource: 'widgets-1234', name: 'x' })).toEqual({ verb: 'GET', resource: undefined, subresource: undefined, scope: '' });
    expect(brief('Create', undefined)).toEqual({ verb: 'POST', resource: undefined, subresource: undefined, scope: '' });
  });
});
