import { describe, expect, it } from 'vitest';
import { resourceByName } from '../../lib/api/resources.js';
import { processRegistry } from '../../lib/metrics/index.js';
import { parsePrometheusText, sumOf } from '../../test/harness/prometheus-text.js';
import { requestMetrics, requestScope, requestVerb, timeEtcd } from './metrics.js';

const scrape = async () => parsePrometheusText(await processRegistry.metrics());
const pods = resourceByName('pods')!;
const nodes = resourceByName('nodes')!;

describe('apiserver metrics', () => {
  it("gives kube-apiserver's scope and verb labels", () => {
    expect(requestScope(pods, 'ns', true)).toBe('resource');
    expect(requestScope(pods, 'ns', false)).toBe('namespace');
    expect(requestScope(pods, undefined, false)).toBe('cluster');
    expect(requestScope(nodes, undefined, true)).toBe('resource');
    expect(requestScope(undefined, 'ns', true)).toBe('');
    expect(['create', 'update', 'list', 'watch', 'deletecollection', 'patch'].map(requestVerb)).toEqual(['POST', 'PUT', 'LIST', 'WATCH', 'DELETECOLLECTION', 'PATCH']);
  });

  it('counts requests by code and observes their duration under one set of labels', async () => {
    const metrics = requestMetrics();
    const kind = { verb: 'POST', info: pods, scope: 'namespace' as const };
    const start = process.hrtime.bigint();
    metrics.record(kind, 201, start);
    metrics.record(kind, 201, start);
    metrics.record(kind, 409, start);
    const families = await scrape();
    const labels = { verb: 'POST', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'namespace' };
    expect(sumOf(families, 'apiserver_request_total', { ...labels, code: '201' })).toBe(2);
    expect(sumOf(families, 'apiserver_request_total', { ...labels, code: '409' })).toBe(1);
    expect(sumOf(families, 'apiserver_request_duration_seconds_count', labels)).toBe(3);
    expect(sumOf(families, 'apiserver_request_duration_seconds_bucket', { ...labels, le: '60' })).toBe(3);
  });

  it('counts long-running requests while they run', async () => {
    const end = requestMetrics().longRunning({ verb: 'WATCH', info: nodes, scope: 'cluster' });
    expect(sumOf(await scrape(), 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'nodes' })).toBe(1);
    end();
    expect(sumOf(await scrape(), 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'nodes' })).toBe(0);
  });

  it('times etcd requests by operation and the resource their key belongs to, failed ones too', async () => {
    await timeEtcd('get', '/registry/pods/ns/p', async () => 1);
    await timeEtcd('list', '/registry/pods#progress', async () => 1);
    await expect(timeEtcd('update', '/registry/configmaps/ns/c', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await timeEtcd('currentRevision', '', async () => 1);
    const families = await scrape();
    expect(sumOf(families, 'etcd_request_duration_seconds_count', { operation: 'get', type: 'pods' })).toBe(1);
    expect(sumOf(families, 'etcd_request_duration_seconds_count', { operation: 'list', type: 'pods' })).toBe(1);
    expect(sumOf(families, 'etcd_request_duration_seconds_count', { operation: 'update', type: 'configmaps' })).toBe(1);
    expect(sumOf(families, 'etcd_request_duration_seconds_count', { operation: 'currentRevision', type: 'other' })).toBe(1);
  });
});
