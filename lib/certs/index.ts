export {
  ALWAYS_INCLUDED_HOSTS,
  type CaOptions,
  type CertAndKey,
  CertificateError,
  type ClientCertOptions,
  DEFAULT_CA_VALIDITY_DAYS,
  DEFAULT_LEAF_VALIDITY_DAYS,
  type ServingCertOptions,
  createCertificateAuthority,
  issueClientCert,
  issueServingCert,
  splitHosts,
  subjectAltNames,
} from './certificates.js';
export {
  APISERVER_COMMON_NAME,
  APISERVER_KUBELET_CLIENT_COMMON_NAME,
  APISERVER_ETCD_CLIENT_COMMON_NAME,
  ETCD_CA_COMMON_NAME,
  type EtcdCertName,
  type EtcdCerts,
  ensureEtcdCerts,
  type CertFiles,
  type ClusterCertName,
  type ClusterCerts,
  type EnsureClusterCertsOptions,
  ensureClusterCerts,
} from './cluster-certs.js';
export { ensureServiceAccountKey, type ServiceAccountKeyFiles } from './service-account-key.js';
export { caCertHash, createCsr, KNOWN_USAGES, parseCsr, signCsr, verifyCsrSignature, type CsrSubject, type ParsedCsr } from './csr.js';
export { CertificateRequestError, requestCertificate, type CertificateRequest } from './request-certificate.js';
