import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTokenFile } from '../../lib/auth/token-file.js';
import { parseClientConfig } from '../../lib/client-config.js';
import { ensureClusterFiles } from './cluster-files.js';
import { parseEncryptionConfig } from '../../services/apiserver/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tokens = (dir: string) => parseTokenFile(readFileSync(join(dir, 'tokens.csv'), 'utf8'));
const opts = { servers: ['127.0.0.1:6443'], hosts: ['127.0.0.1'], nodes: ['host', 'host-node2'] };

describe('ensureClusterFiles', () => {
  it('gives each component its Kubernetes user and each node its own kubelet and proxy identity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-files-'));
    dirs.push(dir);
    const files = await ensureClusterFiles(dir, opts);
    const users = Object.fromEntries(tokens(dir).map((e) => [e.user.uid, { name: e.user.name, groups: [...e.user.groups] }]));
    expect(users).toEqual({
      admin: { name: 'admin', groups: ['system:masters'] },
      scheduler: { name: 'system:kube-scheduler', groups: [] },
      'controller-manager': { name: 'system:kube-controller-manager', groups: [] },
      proxy: { name: 'system:kube-proxy', groups: [] },
      'ingress-controller': { name: 'system:kubets:ingress-controller', groups: [] },
      prometheus: { name: 'system:kubets:prometheus', groups: ['system:monitoring'] },
      'kubelet-host': { name: 'system:node:host', groups: ['system:nodes'] },
      'kubelet-host-node2': { name: 'system:node:host-node2', groups: ['system:nodes'] },
      'proxy-host': { name: 'system:kube-proxy:host', groups: ['system:node-proxiers'] },
      'proxy-host-node2': { name: 'system:kube-proxy:host-node2', groups: ['system:node-proxiers'] },
    });
    expect(Object.keys(files.kubeletConfigs)).toEqual(['host', 'host-node2']);
    expect(Object.keys(files.proxyConfigs)).toEqual(['host', 'host-node2']);
  });

  it('puts the CA inside every client config, not a path that only this machine has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-files-'));
    dirs.push(dir);
    const files = await ensureClusterFiles(dir, opts);
    for (const file of [files.configs.admin, files.kubeletConfigs['host-node2']!]) {
      const context = parseClientConfig(readFileSync(file, 'utf8'), file).contexts.kubets!;
      expect(context.certificateAuthority).toBeUndefined();
      expect(context.caData).toBe(readFileSync(files.caFile, 'utf8'));
    }
  });

  it('keeps tokens across runs and replaces an older shared kubelet and admin-like components', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-files-'));
    dirs.push(dir);
    await ensureClusterFiles(dir, opts);
    const before = tokens(dir);
    // An older cluster's file: one kubelet for every node, components named without system: prefix.
    const old = before.filter((e) => e.user.uid !== 'scheduler').map((e) => `${e.token},${e.user.name},${e.user.uid},"${e.user.groups.join(',')}"`);
    writeFileSync(join(dir, 'tokens.csv'), [...old, 'old-kubelet,kubelet,kubelet,system:nodes', 'old-sched,scheduler,scheduler,system:kube-scheduler', 'mine,jane,jane'].join('\n'));
    await ensureClusterFiles(dir, opts);
    const after = tokens(dir);
    expect(after.find((e) => e.user.uid === 'admin')?.token).toBe(before.find((e) => e.user.uid === 'admin')?.token);
    expect(after.some((e) => e.token === 'old-kubelet' || e.token === 'old-sched')).toBe(false);
    expect(after.find((e) => e.user.uid === 'scheduler')?.user.name).toBe('system:kube-scheduler');
    expect(after.find((e) => e.user.uid === 'jane')?.token).toBe('mine');
  });
});

describe('ensureClusterFiles: etcd and encryption at rest', () => {
  it("makes etcd's certificates and an aescbc encryption config (0600), both kept on the next run", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-files-'));
    dirs.push(dir);
    const files = await ensureClusterFiles(dir, { ...opts, etcdHosts: ['192.168.56.11'] });
    expect(files.etcd).toEqual({
      caFile: join(dir, 'pki/etcd/ca.crt'),
      serverCertFile: join(dir, 'pki/etcd/server.crt'),
      serverKeyFile: join(dir, 'pki/etcd/server.key'),
      peerCertFile: join(dir, 'pki/etcd/peer.crt'),
      peerKeyFile: join(dir, 'pki/etcd/peer.key'),
      clientCertFile: join(dir, 'pki/apiserver-etcd-client.crt'),
      clientKeyFile: join(dir, 'pki/apiserver-etcd-client.key'),
    });
    expect(statSync(files.encryptionConfig).mode & 0o777).toBe(0o600);
    const config = readFileSync(files.encryptionConfig, 'utf8');
    expect(parseEncryptionConfig(config).get('secrets')!.providers.map((p) => p.description)).toEqual(['aescbc key "key1"', 'identity']);
    const again = await ensureClusterFiles(dir, { ...opts, etcdHosts: ['192.168.56.11'] });
    expect(readFileSync(again.encryptionConfig, 'utf8')).toBe(config);
    expect(readFileSync(again.etcd.serverCertFile, 'utf8')).toBe(readFileSync(files.etcd.serverCertFile, 'utf8'));
  });
});
