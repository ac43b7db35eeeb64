// deploy/vagrant/provision.sh run into a folder instead of a VM: the real script, the real unit
// files and the real `kubets certs`; the machine's own tools (dnf through setup-host, systemctl,
// useradd, chown, SELinux, the network) are stand-ins that record their calls, and `kubets join`
// is one that writes what join writes. What cannot run here (VirtualBox, Rocky Linux) is the rest.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClientConfig } from '../../lib/client-config.js';

const REPO = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'kubets-provision-'));

/** A stand-in command that records its call in the machine's `calls` file. */
const stub = (bin: string, calls: string, name: string, body: string) => {
  writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >>"${calls}"\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
};

interface Machine {
  root: string;
  seed: string;
  repo: string;
  bin: string;
  calls: string;
}

/** A machine: its root folder, its seed folder, and a repository whose setup-host and build-images only record. */
function machine(name: string): Machine {
  const base = join(dir, name);
  const calls = join(base, 'calls');
  const [root, seed, repo, bin] = ['root', 'seed', 'repo', 'bin'].map((d) => join(base, d)) as [string, string, string, string];
  for (const d of ['etc/haproxy', 'etc/keepalived', 'etc/docker', 'usr/local/bin']) mkdirSync(join(root, d), { recursive: true });
  // Present already, so nothing is downloaded.
  for (const b of ['etcd', 'registry']) writeFileSync(join(root, 'usr/local/bin', b), '', { mode: 0o755 });
  mkdirSync(join(repo, 'scripts'), { recursive: true });
  mkdirSync(seed, { recursive: true });
  mkdirSync(bin, { recursive: true });
  symlinkSync(join(REPO, 'deploy'), join(repo, 'deploy'));
  stub(join(repo, 'scripts'), calls, 'setup-host.sh', '');
  stub(join(repo, 'scripts'), calls, 'build-images', `echo "KUBETS_REGISTRY=$KUBETS_REGISTRY" >>"${calls}"`);
  for (const tool of ['systemctl', 'getsebool', 'setsebool', 'useradd', 'chown', 'curl']) stub(bin, calls, tool, '');
  stub(bin, calls, 'id', 'exit 1');
  stub(bin, calls, 'ip', 'for i in 11 12 13 21 22; do echo "3: eth1    inet 192.168.56.$i/24 brd 192.168.56.255 scope global eth1"; done');
  // kubets certs is the real one; kubets join writes what join writes: the node's files and node.env.
  stub(bin, calls, 'kubets', [
    'if [ "$1" = join ]; then',
    '  while [ $# -gt 0 ]; do [ "$1" = --data-dir ] && d=$2; shift; done',
    '  mkdir -p "$d" && echo "KUBETS_KUBELET_ARGS=--kubeconfig=$d/kubelet.conf" >"$d/node.env" && echo "KUBETS_PROXY_ARGS=--cluster-cidr=10.244.0.0/16" >>"$d/node.env"',
    'else',
    `  exec "${process.execPath}" --import tsx "${join(REPO, 'cli/main.ts')}" "$@"`,
    'fi',
  ].join('\n'));
  return { root, seed, repo, bin, calls };
}

function provision(m: Machine, args: string[]): { code: number; output: string } {
  const r = spawnSync('bash', [join(REPO, 'deploy/vagrant/provision.sh'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PATH: `${m.bin}:${process.env.PATH}`, KUBETS_PROVISION_ROOT: m.root, KUBETS_REPO: m.repo, KUBETS_SEED: m.seed },
  });
  return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

const callsOf = (m: Machine, prefix: string): string[] => readFileSync(m.calls, 'utf8').split('\n').filter((l) => l.startsWith(prefix));
const filesUnder = (d: string): string[] => readdirSync(d, { recursive: true }).map(String).sort();
const caHash = (certFile: string): string =>
  execFileSync('sh', ['-c', `openssl x509 -pubkey -noout -in "${certFile}" | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1`], { encoding: 'utf8' }).trim();

const master1 = machine('master1');
let etc1 = '';

beforeAll(() => {
  const r = provision(master1, ['master', '1', '3']);
  expect(r.code, r.output).toBe(0);
  etc1 = join(master1.root, 'etc/kubets');
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('provision.sh master 1', () => {
  it('makes the cluster files with every client pointed at the VIP and no kubelet identity (workers join)', () => {
    const admin = parseClientConfig(readFileSync(join(etc1, 'admin.conf'), 'utf8'), 'admin.conf').contexts.kubets!;
    expect(admin.servers).toEqual(['192.168.56.10:8443']);
    expect(admin.caData).toContain('BEGIN CERTIFICATE');
    expect(readFileSync(join(etc1, 'tokens.csv'), 'utf8')).not.toContain('system:node:');
    expect(existsSync(join(etc1, 'pki/etcd/server.crt'))).toBe(true);
    expect(readFileSync(join(etc1, 'kubets.env'), 'utf8')).toContain('ETCD_SERVERS=https://192.168.56.11:2379,https://192.168.56.12:2379,https://192.168.56.13:2379');
  });

  it('runs the control plane and the registry from the hardened units, and fills the registry with the local images', () => {
    expect(filesUnder(join(master1.root, 'etc/systemd/system'))).toEqual(
      ['etcd.service', 'kubets-apiserver.service', 'kubets-controller-manager.service', 'kubets-registry.service', 'kubets-scheduler.service'],
    );
    expect(callsOf(master1, 'systemctl restart')).toEqual(['systemctl restart --no-block haproxy keepalived etcd kubets-apiserver kubets-scheduler kubets-controller-manager kubets-registry']);
    expect(JSON.parse(readFileSync(join(etc1, 'registry/config.yml'), 'utf8')).http.addr).toBe('192.168.56.11:5000');
    expect(callsOf(master1, 'KUBETS_REGISTRY=')).toEqual(['KUBETS_REGISTRY=192.168.56.11:5000']);
    expect(readFileSync(join(master1.root, 'etc/docker/certs.d/192.168.56.11:5000/ca.crt'), 'utf8')).toBe(readFileSync(join(etc1, 'pki/ca.crt'), 'utf8'));
  });

  it('configures keepalived for this master: its priority and the interface of its address', () => {
    const conf = readFileSync(join(master1.root, 'etc/keepalived/keepalived.conf'), 'utf8');
    expect(conf).toContain('priority 101');
    expect(conf).toContain('interface eth1');
    expect(conf).toMatch(/state BACKUP\s+nopreempt/);
    expect(callsOf(master1, 'setsebool')).toEqual(['setsebool -P haproxy_connect_any 1', 'setsebool -P keepalived_connect_any 1']);
  });
});

describe('provision.sh master 2', () => {
  it("takes master1's files from its seed and runs no second registry", () => {
    const m = machine('master2');
    execFileSync('sh', ['-c', `tar -C "${etc1}" -cz pki tokens.csv encryption-config.yaml admin.conf scheduler.conf controller-manager.conf proxy.conf >"${m.seed}/cluster.tgz"`]);
    const r = provision(m, ['master', '2', '3']);
    expect(r.code, r.output).toBe(0);
    const etc = join(m.root, 'etc/kubets');
    expect(readFileSync(join(etc, 'pki/ca.crt'), 'utf8')).toBe(readFileSync(join(etc1, 'pki/ca.crt'), 'utf8'));
    expect(readFileSync(join(etc, 'etcd.env'), 'utf8')).toContain('ETCD_NAME=m2\nNODE_IP=192.168.56.12\n');
    expect(readFileSync(join(m.root, 'etc/keepalived/keepalived.conf'), 'utf8')).toContain('priority 100');
    expect(existsSync(join(m.root, 'etc/systemd/system/kubets-registry.service'))).toBe(false);
  }, 120_000);
});

describe('provision.sh worker', () => {
  const joinLine = (hash: string) => `kubets join 192.168.56.10:8443 --token abcdef.0123456789abcdef --ca-cert-hash sha256:${hash}\n`;

  it('joins with the command master1 made for it and keeps nothing of the cluster but what join wrote', () => {
    const m = machine('worker1');
    writeFileSync(join(m.seed, 'ca.crt'), readFileSync(join(etc1, 'pki/ca.crt')));
    writeFileSync(join(m.seed, 'join'), joinLine(caHash(join(etc1, 'pki/ca.crt'))));
    const r = provision(m, ['worker', '1']);
    expect(r.code, r.output).toBe(0);
    expect(callsOf(m, 'kubets join')).toEqual([
      `kubets join 192.168.56.10:8443 --token abcdef.0123456789abcdef --ca-cert-hash sha256:${caHash(join(etc1, 'pki/ca.crt'))} --node-name worker1 --node-ip 192.168.56.21 --data-dir ${m.root}/etc/kubets --cluster-cidr 10.244.0.0/16 --network-backend host-gw`,
    ]);
    expect(filesUnder(join(m.root, 'etc/kubets'))).toEqual(['node.env']);
    const everything = filesUnder(m.root);
    expect(everything.filter((f) => /ca\.key|tokens\.csv|admin\.conf|encryption-config/.test(f))).toEqual([]);
    expect(filesUnder(join(m.root, 'etc/systemd/system'))).toEqual(['kubets-kubelet.service', 'kubets-proxy.service']);
    expect(JSON.parse(readFileSync(join(m.root, 'etc/docker/daemon.json'), 'utf8'))).toEqual({ 'registry-mirrors': ['https://192.168.56.11:5000'] });
    expect(existsSync(join(m.root, 'etc/docker/certs.d/192.168.56.11:5000/ca.crt'))).toBe(true);
  }, 120_000);

  it('refuses a CA certificate that is not the one the join command pins', () => {
    const m = machine('worker2');
    writeFileSync(join(m.seed, 'ca.crt'), readFileSync(join(etc1, 'pki/etcd/ca.crt')));
    writeFileSync(join(m.seed, 'join'), joinLine(caHash(join(etc1, 'pki/ca.crt'))));
    const r = provision(m, ['worker', '2']);
    expect(r.code).toBe(1);
    expect(r.output).toContain('is not the CA the join command pins');
    expect(existsSync(join(m.root, 'etc/kubets/node.env'))).toBe(false);
  }, 120_000);
});
