import { join } from 'node:path';
import type { EtcdTlsFiles } from '../../lib/etcd-health.js';
import type { EtcdFiles } from './cluster-files.js';

/** The local etcd member of `kubets up`: loopback only, its client port and the next one for peers. */
export interface LocalEtcd {
  dataDir: string;
  clientPort: number;
}

export function localEtcdUrl(etcd: LocalEtcd): string {
  return `https://127.0.0.1:${etcd.clientPort}`;
}

/**
 * etcd's command line: one member on loopback, TLS for clients and peers with certificates from
 * etcd's own CA, and a client certificate required of every client (only the apiserver has one).
 */
export function localEtcdArgs(etcd: LocalEtcd, files: EtcdFiles): string[] {
  const client = localEtcdUrl(etcd);
  const peer = `https://127.0.0.1:${etcd.clientPort + 1}`;
  return [
    '--name', 'kubets', '--data-dir', join(etcd.dataDir, 'etcd'),
    '--listen-client-urls', client, '--advertise-client-urls', client,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `kubets=${peer}`,
    '--client-cert-auth', '--trusted-ca-file', files.caFile, '--cert-file', files.serverCertFile, '--key-file', files.serverKeyFile,
    '--peer-client-cert-auth', '--peer-trusted-ca-file', files.caFile, '--peer-cert-file', files.peerCertFile, '--peer-key-file', files.peerKeyFile,
    '--log-level', 'warn',
  ];
}

/** The apiserver's flags for that etcd: Kubernetes' names, with its client certificate. */
export function apiserverEtcdArgs(etcd: LocalEtcd, files: EtcdFiles): string[] {
  return ['--etcd-servers', localEtcdUrl(etcd), '--etcd-cafile', files.caFile, '--etcd-certfile', files.clientCertFile, '--etcd-keyfile', files.clientKeyFile];
}

/** What a health check of that etcd presents (the apiserver's client certificate). */
export function etcdClientTls(files: EtcdFiles): EtcdTlsFiles {
  return { caFile: files.caFile, certFile: files.clientCertFile, keyFile: files.clientKeyFile };
}
