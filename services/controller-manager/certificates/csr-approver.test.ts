import { describe, expect, it } from 'vitest';
import type { CertificateSigningRequest, Node } from '../../../lib/api/generated/index.js';
import { createCsr, parseCsr, type CsrSubject } from '../../../lib/certs/index.js';
import { approvalFor } from './csr-approver.js';
import { signerProblem } from './csr-signer.js';

const bootstrapper = { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated'] };
const node1 = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const nodeClient: CsrSubject = { commonName: 'system:node:n1', organizations: ['system:nodes'] };
const clientUsages = ['digital signature', 'client auth'];
const servingUsages = ['digital signature', 'server auth'];

async function request(subject: CsrSubject, signerName: string, usages: string[], requestor: { username: string; groups: string[] }): Promise<CertificateSigningRequest> {
  const { csrPem } = await createCsr(subject);
  return { metadata: { name: 'csr' }, spec: { request: Buffer.from(csrPem), signerName, usages, ...requestor } };
}

const node = (name: string, ip: string): Node => ({ metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } });
const nodes = new Map([['n1', node('n1', '10.0.0.5')]]);

/** Who may what, as RBAC's defaults say: bootstrappers nodeclient, nodes selfnodeclient. */
const rbac = async (csr: CertificateSigningRequest, sub: 'nodeclient' | 'selfnodeclient'): Promise<boolean> =>
  sub === 'nodeclient' ? (csr.spec?.groups ?? []).includes('system:bootstrappers:kubeadm:default-node-token') : (csr.spec?.groups ?? []).includes('system:nodes');
const nobody = async (): Promise<boolean> => false;

async function decide(csr: CertificateSigningRequest, may = rbac): Promise<string | undefined> {
  return approvalFor(csr, parseCsr(Buffer.from(csr.spec!.request!).toString()), may, (n) => nodes.get(n));
}

describe('csrapproving', () => {
  it("approves a bootstrap token's node client request when the SubjectAccessReview allows nodeclient", async () => {
    const csr = await request(nodeClient, 'kubernetes.io/kube-apiserver-client-kubelet', clientUsages, bootstrapper);
    expect(await decide(csr)).toBe('Auto approving kubelet client certificate after SubjectAccessReview.');
    expect(await decide(csr, nobody)).toBeUndefined();
  });

  it("approves a node's renewal of its own client certificate (selfnodeclient)", async () => {
    const csr = await request(nodeClient, 'kubernetes.io/kube-apiserver-client-kubelet', clientUsages, node1);
    expect(await decide(csr)).toBe('Auto approving self kubelet client certificate after SubjectAccessReview.');
  });

  it.each([
    ['another node asking for n1', nodeClient, clientUsages, { username: 'system:node:n2', groups: ['system:nodes'] }],
    ['a client request with system:masters', { commonName: 'system:node:n1', organizations: ['system:masters'] }, clientUsages, bootstrapper],
    ['a client request with server auth', nodeClient, ['digital signature', 'client auth', 'server auth'], bootstrapper],
    ['a client request with a SAN', { ...nodeClient, hosts: ['10.0.0.5'] }, clientUsages, bootstrapper],
  ])('leaves pending %s', async (_what, subject, usages, requestor) => {
    expect(await decide(await request(subject, 'kubernetes.io/kube-apiserver-client-kubelet', usages, requestor))).toBeUndefined();
  });

  it("approves a node's serving request naming only its own name and addresses, and nothing more", async () => {
    const own = await request({ ...nodeClient, hosts: ['n1', '10.0.0.5'] }, 'kubernetes.io/kubelet-serving', servingUsages, node1);
    expect(await decide(own)).toMatch(/^Auto approving kubelet serving certificate/);
    const foreign = await request({ ...nodeClient, hosts: ['n1', '10.0.0.6'] }, 'kubernetes.io/kubelet-serving', servingUsages, node1);
    expect(await decide(foreign)).toBeUndefined();
    const fromBootstrapper = await request({ ...nodeClient, hosts: ['n1'] }, 'kubernetes.io/kubelet-serving', servingUsages, bootstrapper);
    expect(await decide(fromBootstrapper)).toBeUndefined();
    const otherNode = await request({ commonName: 'system:node:n2', organizations: ['system:nodes'], hosts: ['n1'] }, 'kubernetes.io/kubelet-serving', servingUsages, node1);
    expect(await decide(otherNode)).toBeUndefined();
  });

  it("approves a node's request for its own proxy identity only, from that node only", async () => {
    const proxy = { commonName: 'system:kube-proxy:n1', organizations: ['system:node-proxiers'] };
    expect(await decide(await request(proxy, 'kubernetes.io/kube-apiserver-client', clientUsages, node1))).toBe("Auto approving kube-proxy client certificate: node n1 asked for its own proxy's identity.");
    expect(await decide(await request(proxy, 'kubernetes.io/kube-apiserver-client', clientUsages, bootstrapper))).toBeUndefined();
    // Another node's proxy, the shared kube-proxy identity, or the right name without its group.
    expect(await decide(await request({ ...proxy, commonName: 'system:kube-proxy:n2' }, 'kubernetes.io/kube-apiserver-client', clientUsages, node1))).toBeUndefined();
    expect(await decide(await request({ commonName: 'system:kube-proxy' }, 'kubernetes.io/kube-apiserver-client', clientUsages, node1))).toBeUndefined();
    expect(await decide(await request({ commonName: 'system:kube-proxy:n1' }, 'kubernetes.io/kube-apiserver-client', clientUsages, node1))).toBeUndefined();
    expect(await decide(await request({ commonName: 'admin', organizations: ['system:masters'] }, 'kubernetes.io/kube-apiserver-client', clientUsages, node1))).toBeUndefined();
  });
});

describe('csrsigning', () => {
  it('refuses to sign what its signer does not allow, whoever approved it', async () => {
    const masters = await request({ commonName: 'system:node:n1', organizations: ['system:masters'] }, 'kubernetes.io/kube-apiserver-client-kubelet', clientUsages, bootstrapper);
    expect((await signerProblem(masters)).problem).toBe('subject organization is not system:nodes');
    const ok = await request(nodeClient, 'kubernetes.io/kube-apiserver-client-kubelet', clientUsages, bootstrapper);
    expect((await signerProblem(ok)).problem).toBeUndefined();
  });
});
