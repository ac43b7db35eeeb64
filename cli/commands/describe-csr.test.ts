import { beforeAll, describe, expect, it } from 'vitest';
import { createCsr } from '../../lib/certs/csr.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';

const api = useFakeApiServer(undefined, { scope: 'suite' });

beforeAll(async () => {
  const { csrPem } = await createCsr({ commonName: 'system:node:worker-1', organizations: ['system:nodes'], hosts: ['worker-1', '10.0.0.7'] });
  await api.client.resource('certificateSigningRequest').create({
    metadata: { name: 'csr-worker-1', labels: { team: 'a' } },
    spec: { request: Buffer.from(csrPem), signerName: 'kubernetes.io/kubelet-serving', expirationSeconds: 86_400, usages: ['server auth'], username: 'system:node:worker-1' },
    status: { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }], certificate: Buffer.from('x') },
  });
});

describe('kubets describe csr', () => {
  it("prints kubectl's CertificateSigningRequest describer: requester, signer, status, subject and alternative names", async () => {
    const { stdout, stderr, code } = await runVerb(['describe', 'csr', 'csr-worker-1', '--show-events=false'], { client: api.client });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Name:                csr-worker-1');
    expect(lines.slice(1, 3)).toEqual(['Labels:              team=a', 'Annotations:         <none>']);
    expect(lines[3]).toMatch(/^CreationTimestamp: {3}\w{3}, \d\d \w{3} \d{4} /);
    expect(lines.slice(4)).toEqual([
      'Requesting User:     system:node:worker-1',
      'Signer:              kubernetes.io/kubelet-serving',
      'Requested Duration:  24h',
      'Status:              Approved,Issued',
      'Subject:',
      '  Common Name:    system:node:worker-1',
      '  Serial Number:  ',
      '  Organization:   system:nodes',
      'Subject Alternative Names:',
      '  DNS Names:     worker-1',
      '  IP Addresses:  10.0.0.7',
      '',
    ]);
  });
});
