import type { CertificateSigningRequest, CertificateSigningRequestCondition, Node } from '../../../lib/api/generated/index.js';
import { nodeProxierUser } from '../../../lib/auth/node-proxier.js';
import type { ParsedCsr } from '../../../lib/certs/index.js';

// What the approver and the signer both need to know about a request: its decision, and which of
// the well-known kinds of request it is (the shape Kubernetes requires of each built-in signer).

export const KUBE_APISERVER_CLIENT_KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
export const KUBE_APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';
export const SIGNERS: readonly string[] = [KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING, KUBE_APISERVER_CLIENT];

const NODES_GROUP = 'system:nodes';
const NODE_USER_PREFIX = 'system:node:';

export const conditionOf = (csr: CertificateSigningRequest, type: string): CertificateSigningRequestCondition | undefined =>
  (csr.status?.conditions ?? []).find((c) => c.type === type && c.status === 'True');
export const isApproved = (csr: CertificateSigningRequest): boolean => conditionOf(csr, 'Approved') !== undefined && conditionOf(csr, 'Denied') === undefined;
export const isDecided = (csr: CertificateSigningRequest): boolean => conditionOf(csr, 'Approved') !== undefined || conditionOf(csr, 'Denied') !== undefined;
export const hasCertificate = (csr: CertificateSigningRequest): boolean => (csr.status?.certificate?.length ?? 0) > 0;
export const requestPem = (csr: CertificateSigningRequest): string => Buffer.from(csr.spec?.request ?? '').toString('utf8');

/** The usages as a set, checked against what is required and what is allowed. */
function usagesFit(usages: readonly string[], required: readonly string[], allowed: readonly string[]): boolean {
  return required.every((u) => usages.includes(u)) && usages.every((u) => allowed.includes(u)) && new Set(usages).size === usages.length;
}

const CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];
const SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];
const noSans = (x: ParsedCsr): boolean => x.dnsNames.length + x.ipAddresses.length + x.emailAddresses.length + x.uris.length === 0;
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A kubelet's client certificate request (Kubernetes' ValidateKubeletClientCSR): O=system:nodes
 * only, CN=system:node:<name>, no subject alternative names, client usages. Undefined when it fits,
 * else what is wrong.
 */
export function kubeletClientProblem(x: ParsedCsr, usages: readonly string[]): string | undefined {
  if (!sameList(x.organizations, [NODES_GROUP])) return `subject organization is not ${NODES_GROUP}`;
  if (!x.commonName.startsWith(NODE_USER_PREFIX) || x.commonName === NODE_USER_PREFIX) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
  if (!noSans(x)) return 'subject alternative names are not allowed';
  if (!usagesFit(usages, ['digital signature', 'client auth'], CLIENT_USAGES)) return `usages must be digital signature and client auth (and key encipherment)`;
  return undefined;
}

/** A kubelet's serving certificate request (Kubernetes' ValidateKubeletServingCSR): names and IPs, no email or URI, server usages. */
export function kubeletServingProblem(x: ParsedCsr, usages: readonly string[]): string | undefined {
  if (!sameList(x.organizations, [NODES_GROUP])) return `subject organization is not ${NODES_GROUP}`;
  if (!x.commonName.startsWith(NODE_USER_PREFIX) || x.commonName === NODE_USER_PREFIX) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
  if (x.dnsNames.length + x.ipAddresses.length === 0) return 'DNS or IP subjectAltName is required';
  if (x.emailAddresses.length + x.uris.length > 0) return 'email and URI subjectAltNames are not allowed';
  if (!usagesFit(usages, ['digital signature', 'server auth'], SERVING_USAGES)) return 'usages must be digital signature and server auth (and key encipherment)';
  return undefined;
}

/** A generic client certificate (kube-apiserver-client): client usages, no server auth. */
export function apiserverClientProblem(x: ParsedCsr, usages: readonly string[]): string | undefined {
  if (!x.commonName) return 'subject common name is required';
  if (!usagesFit(usages, ['client auth'], CLIENT_USAGES)) return 'usages must include client auth and only digital signature and key encipherment besides';
  return undefined;
}

/** The node a requester is, when it is one (system:node:<name> in system:nodes). */
export function requestingNode(csr: CertificateSigningRequest): string | undefined {
  const user = csr.spec?.username ?? '';
  if (!user.startsWith(NODE_USER_PREFIX) || !(csr.spec?.groups ?? []).includes(NODES_GROUP)) return undefined;
  return user.slice(NODE_USER_PREFIX.length) || undefined;
}

/**
 * The serving certificate rule (Kubernetes leaves these to the operator): a node may have one for
 * itself only (CN = its own user), naming nothing but its own name and the addresses its Node
 * reports. So a node cannot get a certificate that impersonates another node or the apiserver.
 */
export function servingNamesProblem(x: ParsedCsr, node: Node): string | undefined {
  const name = node.metadata?.name ?? '';
  const addresses = new Set((node.status?.addresses ?? []).map((a) => a.address ?? ''));
  addresses.add(name);
  const foreign = [...x.dnsNames, ...x.ipAddresses].filter((n) => !addresses.has(n));
  return foreign.length === 0 ? undefined : `not addresses of node ${name}: ${foreign.join(', ')}`;
}

/** The proxy identity of a joined node, for that node only: exactly CN=system:kube-proxy:<node>, O=system:node-proxiers, no SANs, client usages. */
export function kubeProxyClientProblem(x: ParsedCsr, usages: readonly string[], node: string): string | undefined {
  const wanted = nodeProxierUser(node);
  if (x.commonName !== wanted.name || !sameList(x.organizations, wanted.groups)) return `subject must be exactly CN=${wanted.name}, O=${wanted.groups.join(',')}`;
  if (!noSans(x)) return 'subject alternative names are not allowed';
  return apiserverClientProblem(x, usages);
}
