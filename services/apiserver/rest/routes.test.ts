import { describe, expect, it } from 'vitest';
import { parseRoute } from './routes.js';

describe('parseRoute', () => {
  it.each([
    ['/version', { type: 'version' }],
    ['/readyz', { type: 'health', check: 'readyz' }],
    ['/api', { type: 'core-versions' }],
    ['/apis', { type: 'groups' }],
    ['/apis/apps', { type: 'group', group: 'apps' }],
    ['/api/v1', { type: 'group-version', group: '', version: 'v1' }],
    ['/apis/apps/v1/', { type: 'group-version', group: 'apps', version: 'v1' }],
    ['/openapi/v2', { type: 'openapi', version: 'v2', groupVersionPath: '' }],
    ['/openapi/v3', { type: 'openapi', version: 'v3', groupVersionPath: '' }],
    ['/openapi/v3/apis/apps/v1', { type: 'openapi', version: 'v3', groupVersionPath: 'apis/apps/v1' }],
    ['/openapi/v1', { type: 'not-found' }],
    ['/api/v2/pods', { type: 'not-found' }],
    ['/metrics', { type: 'metrics' }],
    ['/metrics/slis', { type: 'not-found' }],
  ])('%s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it('reads namespaced collections, objects and subresources', () => {
    expect(parseRoute('/api/v1/namespaces/default/pods')).toMatchObject({ type: 'resource', namespace: 'default', name: undefined, info: { resource: 'pods' } });
    expect(parseRoute('/api/v1/namespaces/dev/pods/web')).toMatchObject({ type: 'resource', namespace: 'dev', name: 'web' });
    expect(parseRoute('/apis/apps/v1/namespaces/dev/deployments/d/scale')).toMatchObject({ info: { resource: 'deployments' }, namespace: 'dev', name: 'd', subresource: 'scale' });
    expect(parseRoute('/api/v1/pods')).toMatchObject({ type: 'resource', namespace: undefined, info: { resource: 'pods' } });
  });

  it('reads a namespace and its own subresources as the namespaces resource', () => {
    expect(parseRoute('/api/v1/namespaces/dev')).toMatchObject({ info: { resource: 'namespaces' }, name: 'dev', namespace: undefined });
    expect(parseRoute('/api/v1/namespaces/dev/status')).toMatchObject({ info: { resource: 'namespaces' }, name: 'dev', subresource: 'status' });
    expect(parseRoute('/api/v1/nodes/n1/status')).toMatchObject({ info: { resource: 'nodes' }, name: 'n1', subresource: 'status' });
  });

  it('refuses a resource under the wrong group, a cluster-scoped one under a namespace, and extra segments', () => {
    expect(parseRoute('/api/v1/deployments')).toEqual({ type: 'not-found' });
    expect(parseRoute('/apis/apps/v1/pods')).toEqual({ type: 'not-found' });
    expect(parseRoute('/api/v1/namespaces/dev/nodes/n1')).toEqual({ type: 'not-found' });
    expect(parseRoute('/api/v1/namespaces/dev/pods/web/status/more')).toEqual({ type: 'not-found' });
    expect(parseRoute('/api/v1/widgets')).toEqual({ type: 'not-found' });
  });

  it('decodes escaped segments', () => {
    expect(parseRoute('/api/v1/namespaces/default/configmaps/a%2Eb')).toMatchObject({ name: 'a.b' });
    expect(parseRoute('/api/v1/namespaces/default/configmaps/a%E0%A4%A')).toEqual({ type: 'not-found' });
  });

  it('reads a Service proxy path with its port and the rest of the path', () => {
    expect(parseRoute('/api/v1/namespaces/kube-system/services/prometheus:9090/proxy/api/v1/query_range')).toMatchObject({
      type: 'resource', info: { resource: 'services' }, namespace: 'kube-system', name: 'prometheus', subresource: 'proxy', proxy: { port: '9090', path: '/api/v1/query_range' },
    });
    expect(parseRoute('/api/v1/namespaces/ns/services/http:web:http/proxy')).toMatchObject({ name: 'web', proxy: { port: 'http', path: '/' } });
    expect(parseRoute('/api/v1/namespaces/ns/services/web/proxy/')).toMatchObject({ name: 'web', proxy: { port: '', path: '/' } });
    expect(parseRoute('/api/v1/namespaces/ns/services/https:web:443/proxy/')).toEqual({ type: 'not-found' });
    expect(parseRoute('/api/v1/namespaces/ns/pods/web/proxy/x')).toEqual({ type: 'not-found' });
  });

  it('names the dashboard file below /dashboard/', () => {
    expect(parseRoute('/dashboard')).toEqual({ type: 'dashboard', path: '' });
    expect(parseRoute('/dashboard/')).toEqual({ type: 'dashboard', path: '' });
    expect(parseRoute('/dashboard/vendor/yaml/index.js')).toEqual({ type: 'dashboard', path: 'vendor/yaml/index.js' });
  });
});
