import { describe, expect, it } from 'vitest';
import { grpcAttributes } from './grpc-attributes.js';

const user = { name: 'jane', groups: [] };
const pick = (a: ReturnType<typeof grpcAttributes>) => ({ verb: a.verb, apiGroup: a.apiGroup, resource: a.resource, subresource: a.subresource, namespace: a.namespace, name: a.name });

describe('grpcAttributes', () => {
  it('names resources by their plural whatever the request called them', () => {
    expect(pick(grpcAttributes('Get', user, { resource: 'Deployment', namespace: 'dev', name: 'web' }))).toEqual({ verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: '', namespace: 'dev', name: 'web' });
    expect(pick(grpcAttributes('Create', user, { namespace: 'dev', object: { configMap: { metadata: { name: 'c' } } } }))).toEqual({ verb: 'create', apiGroup: '', resource: 'configmaps', subresource: '', namespace: 'dev', name: '' });
    expect(pick(grpcAttributes('List', user, { resource: 'node', namespace: 'dev', fieldSelector: 'metadata.name=n1' }))).toEqual({ verb: 'list', apiGroup: '', resource: 'nodes', subresource: '', namespace: '', name: 'n1' });
  });

  it('maps the subresource calls', () => {
    expect(pick(grpcAttributes('UpdateStatus', user, { resource: 'pods', namespace: 'dev', object: { pod: { metadata: { name: 'p' } } } }))).toMatchObject({ verb: 'update', subresource: 'status', name: 'p' });
    expect(pick(grpcAttributes('Bind', user, { namespace: 'dev', binding: { metadata: { name: 'p' } } }))).toMatchObject({ verb: 'create', resource: 'pods', subresource: 'binding', name: 'p' });
    expect(pick(grpcAttributes('UpdateScale', user, { resource: 'deployments', namespace: 'dev', name: 'web' }))).toMatchObject({ verb: 'update', resource: 'deployments', subresource: 'scale' });
    expect(pick(grpcAttributes('PortForward', user, { namespace: 'dev', name: 'p' }))).toMatchObject({ verb: 'create', resource: 'pods', subresource: 'portforward' });
    expect(pick(grpcAttributes('Exec', user, { namespace: 'dev', name: 'p' }))).toMatchObject({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'p' });
    expect(pick(grpcAttributes('Attach', user, { namespace: 'dev', name: 'p' }))).toMatchObject({ verb: 'create', resource: 'pods', subresource: 'attach', name: 'p' });
    expect(grpcAttributes('Version', user, {})).toMatchObject({ resourceRequest: false, verb: 'get', path: '/version' });
  });
});
