import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { loadPlan, type LocalNodePlan } from '../../cli/up/local-nodes.js';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { projectRoot } from '../../lib/paths.js';
import { holdHostNetwork } from '../../test/harness/host-network-lock.js';
import { pollUntil } from '../../test/harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../test/harness/ports.js';

const ENTRY = join(projectRoot, 'dist/cli/main.js');

/** A `kubets up --nodes N` cluster from the built CLI, on its own data dir, ports and node subnet. */
export interface LocalCluster {
  client: ApiClient;
  dataDir: string;
  clusterId: string;
  plan: LocalNodePlan;
  /** Node name → its Docker engine (the host's for the first node). */
  engines: Map<string, Docker>;
  /** Node name → its InternalIP (the cluster DNS of its pods). */
  nodeIps: Map<string, string>;
  down(): void;
}

/**
 * Starts the cluster and waits for every node to be Ready with a pod subnet. Multi-node clusters
 * share the host's pod network (10.244.0.0/16, the host engine's kubenet bridge), so this takes the
 * same host-network turn as the tests that run one.
 */
export async function startLocalCluster(opts: { nodes: number; subnet: string; name: string; extraArgs?: string[] }): Promise<LocalCluster> {
  const release = await holdHostNetwork(1_800_000);
  const dir = mkdtempSync(join(tmpdir(), `kubets-bench-${opts.name}-`));
  const dataDir = join(dir, 'data');
  const env = { ...process.env, HOME: dir, KUBETS_CONFIG: join(dataDir, 'admin.conf') };
  const kubets = (args: string[]): void => {
    const run = spawnSync(process.execPath, [ENTRY, ...args], { env, encoding: 'utf8', timeout: 300_000 });
    if (run.status !== 0) throw new Error(`kubets ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  };
  const down = (): void => {
    spawnSync(process.execPath, [ENTRY, 'down', '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 300_000 });
    rmSync(dir, { recursive: true, force: true });
    release();
  };
  const nodeName = `${opts.name}-${process.pid}`;
  const ports = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort(), await freePort()];
  try {
    kubets(['up', '--detach', '--nodes', String(opts.nodes), '--node-name', nodeName, '--node-subnet', opts.subnet, '--data-dir', dataDir,
      '--port', String(ports[0]), '--etcd-port', String(ports[1]), '--kubelet-port', String(ports[2]), '--registry-port', String(ports[3]), ...(opts.extraArgs ?? [])]);
  } catch (err) {
    down();
    throw err;
  }
  const client = ApiClient.fromConfig(await loadClientConfig({ path: join(dataDir, 'admin.conf'), env: {} }));
  const plan = loadPlan(dataDir)!;
  await pollUntil(async () => {
    const nodes = (await client.resource('node').list('')).items;
    return nodes.filter((n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === opts.nodes;
  }, { timeoutMs: 300_000, intervalMs: 1_000, what: 'nodes Ready' });
  return {
    client,
    dataDir,
    clusterId: readFileSync(join(dataDir, 'cluster-id'), 'utf8').trim(),
    plan,
    engines: new Map([[nodeName, new Docker()], ...plan.nodes.map((n): [string, Docker] => [n.name, new Docker({ socketPath: n.dockerSocket })])]),
    nodeIps: new Map([[nodeName, plan.hostIp], ...plan.nodes.map((n): [string, string] => [n.name, n.ip])]),
    down: () => {
      client.close();
      down();
    },
  };
}
