import { describe, expect, it } from 'vitest';
import type { EtcdFiles } from './cluster-files.js';
import { apiserverEtcdArgs, localEtcdArgs } from './etcd-args.js';

const files: EtcdFiles = {
  caFile: '/d/pki/etcd/ca.crt',
  serverCertFile: '/d/pki/etcd/server.crt',
  serverKeyFile: '/d/pki/etcd/server.key',
  peerCertFile: '/d/pki/etcd/peer.crt',
  peerKeyFile: '/d/pki/etcd/peer.key',
  clientCertFile: '/d/pki/apiserver-etcd-client.crt',
  clientKeyFile: '/d/pki/apiserver-etcd-client.key',
};

const flags = (args: string[]): Record<string, string | true> => {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) out[args[i]!] = true;
    else out[args[i]!] = args[++i]!;
  }
  return out;
};

describe('kubets up: etcd flags', () => {
  it('runs etcd on loopback over TLS, requiring client certificates from its own CA for clients and peers', () => {
    const args = flags(localEtcdArgs({ dataDir: '/d', clientPort: 2379 }, files));
    expect(args).toMatchObject({
      '--data-dir': '/d/etcd',
      '--listen-client-urls': 'https://127.0.0.1:2379',
      '--advertise-client-urls': 'https://127.0.0.1:2379',
      '--listen-peer-urls': 'https://127.0.0.1:2380',
      '--initial-cluster': 'kubets=https://127.0.0.1:2380',
      '--client-cert-auth': true,
      '--trusted-ca-file': files.caFile,
      '--cert-file': files.serverCertFile,
      '--key-file': files.serverKeyFile,
      '--peer-client-cert-auth': true,
      '--peer-trusted-ca-file': files.caFile,
      '--peer-cert-file': files.peerCertFile,
      '--peer-key-file': files.peerKeyFile,
    });
    expect(Object.values(args).filter((v) => typeof v === 'string' && v.startsWith('http://'))).toEqual([]);
  });

  it("gives the apiserver Kubernetes' etcd flags with its client certificate", () => {
    expect(flags(apiserverEtcdArgs({ dataDir: '/d', clientPort: 2379 }, files))).toEqual({
      '--etcd-servers': 'https://127.0.0.1:2379',
      '--etcd-cafile': files.caFile,
      '--etcd-certfile': files.clientCertFile,
      '--etcd-keyfile': files.clientKeyFile,
    });
  });
});
