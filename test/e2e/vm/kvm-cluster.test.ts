// kubets on real VMs (opt-in: KUBETS_VM_TEST=1 and /dev/kvm; it takes minutes): deploy/vm/kvm-cluster
// builds or reuses the Debian 12 image, boots a master and two workers with KVM on a bridge of its
// own, and provisions them with deploy/vagrant/provision.sh (the master's systemd units, the
// workers' `kubets join`). Then: both workers Ready with distinct pod subnets, host-gw routes over the
// private network, a pod on each worker reaching the other by IP; and `down` leaves no bridge, tap,
// qemu process or run folder. Traffic goes only to the VMs on that bridge.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../lib/api/generated/index.js';
import { pollUntil } from '../../harness/poll.js';
import { REPO_ROOT, runCli } from '../cli/cli-harness.js';

const enabled = process.env.KUBETS_VM_TEST === '1' && existsSync('/dev/kvm');
const SCRIPT = join(REPO_ROOT, 'deploy/vm/kvm-cluster');
const VM_DIR = process.env.KUBETS_VM_DIR ?? '/var/tmp/kubets-vmtest';
const RUN = join(VM_DIR, 'run');
const WORKERS = { worker1: '192.168.56.21', worker2: '192.168.56.22' } as const;
const dir = mkdtempSync(join(tmpdir(), 'kubets-vmtest-'));
const env = { HOME: dir, KUBETS_CONFIG: join(RUN, 'admin.conf') };

/** deploy/vm/kvm-cluster up|down, its output in a log beside the image; rejects with the log's tail. */
function cluster(verb: 'up' | 'down'): Promise<void> {
  const logFile = join(VM_DIR, `kvm-cluster-${verb}.log`);
  const log = createWriteStream(logFile);
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, [verb], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    child.on('error', reject);
    child.on('close', (code) => {
      log.end(() => {
        if (code === 0) resolve();
        else reject(new Error(`kvm-cluster ${verb} exited ${code}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')}`));
      });
    });
  });
}

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args, env, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kubets ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;

/** A command on a VM, as root over the key the image was built with. */
const onVm = (ip: string, command: string): string =>
  execFileSync('ssh', ['-F', '/dev/null', '-i', join(VM_DIR, 'id_ed25519'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', `root@${ip}`, command], { encoding: 'utf8', timeout: 30_000 });

/** What of the VM cluster this host shows: its links, its qemu processes, its run folder. */
function hostTraces(): string[] {
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('kubets-vmtest'));
  const processes = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
      return cmdline.startsWith('qemu-system') && cmdline.includes('kubets-vmtest-') ? [`${p} ${cmdline}`] : [];
    } catch {
      return [];
    }
  });
  return [...links, ...processes, ...(existsSync(RUN) ? [RUN] : [])];
}

const isReady = (n: Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Long steps: SSH round trips and pulls on VMs sharing a loaded two-core host. */
const STEP_TIMEOUT_MS = 600_000;

describe.skipIf(!enabled)('kubets on KVM VMs (deploy/vm/kvm-cluster)', () => {
  let nodes: Node[] = [];

  beforeAll(async () => {
    expect(hostTraces(), 'a VM cluster of an earlier run is still up').toEqual([]);
    await cluster('up');
    console.log(`kvm-cluster timings (s): ${readFileSync(join(RUN, 'timings'), 'utf8').trim().replaceAll('\n', ', ')}`);
  }, 3_600_000);

  afterAll(async () => {
    if (existsSync(RUN)) await cluster('down');
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('has both workers Ready, joined with their own names, with distinct pod subnets', async () => {
    const started = Date.now();
    nodes = await pollUntil(
      async () => {
        const items = (await getJson<{ items: Node[] }>(['get', 'nodes'])).items;
        return items.length === 2 && items.every((n) => isReady(n) && n.spec?.podCIDR) ? items : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 2_000, what: 'two Ready nodes with pod subnets' },
    );
    console.log(`kvm-cluster: all nodes Ready ${((Date.now() - started) / 1000).toFixed(1)} s after provisioning`);
    expect(nodes.map((n) => n.metadata!.name).sort()).toEqual(['worker1', 'worker2']);
    for (const n of nodes) expect(n.status!.addresses).toContainEqual({ type: 'InternalIP', address: WORKERS[n.metadata!.name as keyof typeof WORKERS] });
    expect(new Set(nodes.map((n) => n.spec!.podCIDR)).size).toBe(2);
  }, STEP_TIMEOUT_MS);

  it("routes each worker's pod subnet to it over the private network (host-gw)", async () => {
    const cidr = (name: string) => nodes.find((n) => n.metadata!.name === name)!.spec!.podCIDR!;
    for (const [self, peer] of [['worker1', 'worker2'], ['worker2', 'worker1']] as const) {
      const route = await pollUntil(
        () => onVm(WORKERS[self], `ip -4 route show ${cidr(peer)}`).trim() || undefined,
        { timeoutMs: 120_000, intervalMs: 2_000, what: `${self}'s route to ${peer}'s pod subnet` },
      );
      expect(route).toMatch(new RegExp(`^${cidr(peer).replaceAll('.', '\\.')} via ${WORKERS[peer].replaceAll('.', '\\.')} dev eth0`));
    }
  }, STEP_TIMEOUT_MS);

  it('runs a pod on each worker (images from the registry on the master) and each reaches the other by IP', async () => {
    const pod = (node: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `echo-${node}` },
      spec: {
        nodeSelector: { 'kubernetes.io/hostname': node },
        containers: [{
          name: 'echo',
          image: 'kubets/busybox:1.36',
          command: ['sh', '-c', 'while true; do echo "hello from $(hostname)" | nc -l -p 8080; done'],
        }],
      },
    });
    const created = await runCli(['create', '-f', '-'], env, { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: Object.keys(WORKERS).map(pod) }) });
    expect(created.code, created.stderr).toBe(0);
    const pods = await pollUntil(
      async () => {
        const items = (await getJson<{ items: Pod[] }>(['get', 'pods'])).items;
        return items.length === 2 && items.every((p) => p.status?.phase === 'Running' && p.status.podIP) ? items : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 2_000, what: 'a running pod on each worker' },
    );
    for (const p of pods) {
      expect(p.spec!.nodeName).toBe(p.metadata!.name!.replace('echo-', ''));
      const cidr = nodes.find((n) => n.metadata!.name === p.spec!.nodeName)!.spec!.podCIDR!;
      expect(p.status!.podIP!.startsWith(cidr.split('.').slice(0, 3).join('.') + '.'), `${p.status!.podIP} in ${cidr}`).toBe(true);
    }
    for (const [from, to] of [[pods[0]!, pods[1]!], [pods[1]!, pods[0]!]] as const) {
      const out = await pollUntil(
        async () => (await ok(['exec', from.metadata!.name!, '--', 'nc', '-w', '3', to.status!.podIP!, '8080'])).trim() || undefined,
        { timeoutMs: 60_000, intervalMs: 2_000, what: `${from.metadata!.name} reaching ${to.status!.podIP}` },
      );
      expect(out).toBe(`hello from ${to.metadata!.name}`);
    }
  }, STEP_TIMEOUT_MS);

  it('leaves no bridge, tap, qemu process or run folder after down', async () => {
    await cluster('down');
    expect(hostTraces()).toEqual([]);
  }, 120_000);
});

// Cheap, so not opt-in: on a host whose /dev/kvm is PVM, Debian's kernel would hang at boot, and `up`
// says why before it builds, boots or links anything.
describe.skipIf(!existsSync('/sys/module/kvm_pvm') || process.getuid?.() !== 0)('kvm-cluster on a PVM host', () => {
  it('stops before making anything, naming PVM and the ways out', () => {
    const before = hostTraces();
    const r = spawnSync(SCRIPT, ['up'], { encoding: 'utf8', env: { ...process.env, KUBETS_VM_ACCEL: 'kvm', KUBETS_VM_KERNEL: '' }, timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/dev/kvm is PVM (module kvm_pvm)');
    expect(r.stderr).toContain('KUBETS_VM_ACCEL=tcg');
    expect(hostTraces()).toEqual(before);
  });
});
