import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { packageDefinition } from '../../../lib/api/proto.js';
import { issueServingCert } from '../../../lib/certs/certificates.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { pod } from './helpers.js';
import { kubectl, kubectlOk, requireKubectl, writeKubeconfig } from './rest-helpers.js';

// pods/<name>/log over the HTTP API, relayed from a stand-in kubelet: a gRPC Kubelet service
// with a serving certificate from the cluster CA, published on a Node as a real kubelet does.

describe('kubectl logs over the HTTP API', () => {
  const f = useControlPlane();
  const requests: t.LogsRequest[] = [];
  const kubelet = new grpc.Server();
  let config: string;

  beforeAll(async () => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'logs');
    const pki = join(f.cp.dataDir, 'pki');
    const ca = { certPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'ca.key'), 'utf8') };
    const serving = await issueServingCert(ca, { commonName: 'system:node:n1', hosts: ['127.0.0.1'] });
    kubelet.addService(packageDefinition['kubets.v1.Kubelet'] as grpc.ServiceDefinition, {
      Logs: (call: grpc.ServerWritableStream<t.LogsRequest, t.LogChunk>) => {
        requests.push(call.request);
        call.write({ data: Buffer.from('line 1\n') });
        call.write({ data: Buffer.from('line 2\n') });
        call.end();
      },
      Exec: (call: grpc.ServerDuplexStream<t.ExecFrame, t.ExecFrame>) => call.end(),
    });
    const creds = grpc.ServerCredentials.createSsl(Buffer.from(ca.certPem), [{ cert_chain: Buffer.from(serving.certPem), private_key: Buffer.from(serving.keyPem) }], false);
    const port = await new Promise<number>((resolve, reject) => kubelet.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
    const nodes = f.client.resource('node');
    const node = await nodes.create({ metadata: { name: 'n1' } });
    await nodes.updateStatus({ ...node, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } });
    await f.client.resource('pod').create(pod('logged'));
    await f.client.bind('default', { metadata: { name: 'logged' }, target: { name: 'n1' } });
  });
  afterAll(() => kubelet.forceShutdown());

  it("prints the kubelet's log stream, passing the options on", async () => {
    expect(await kubectlOk(config, ['logs', 'logged'])).toBe('line 1\nline 2\n');
    await kubectlOk(config, ['logs', 'logged', '-c', 'c', '--tail=5', '--timestamps']);
    expect(requests[requests.length - 1]).toMatchObject({ namespace: 'default', name: 'logged', container: 'c', tailLines: 5, timestamps: true, follow: false });
  });

  it('says when the pod has no node yet', async () => {
    await f.client.resource('pod').create(pod('unbound'));
    const r = await kubectl(config, ['logs', 'unbound']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (BadRequest): pod unbound does not have a host assigned\n');
  });
});
