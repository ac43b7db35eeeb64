// `kubets drain` of a real node (`kubets up`, Docker containers) held back by a
// PodDisruptionBudget: with a short --timeout it fails as kubectl does, having retried every 5 s;
// without one it keeps retrying until the budget is relaxed, then evicts and completes. Traffic
// goes only to loopback.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../lib/api/generated/index.js';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { pollUntil } from '../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort } from '../harness/ports.js';
import { REPO_ROOT } from './cli/cli-harness.js';
import { clusterCli } from './cluster-cli.js';

const NODE = `pdb-${Math.random().toString(36).slice(2, 7)}`;
const NS = 'default';
const RETRY = "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.";
const WAIT = { timeoutMs: 180_000, intervalMs: 500 };
const TEST_TIMEOUT_MS = 300_000;

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: app, image: kubets/busybox:1.36, command: [sleep, "3600"]}]
`;

const { dataDir, env, kubets, ok, holdHostNetwork, defaultServiceAccount, tearDownAfterAll } = clusterCli('pdb');
let client: ApiClient;

/** A kubets command left running, its output readable while it runs (runCli only hands it over at the end). */
function spawnDrain(args: string[]): { stdout: () => string; stderr: () => string; exit: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'cli', 'main.ts'), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { stdout: () => stdout, stderr: () => stderr, exit };
}

const isReady = (p: Pod): boolean => !p.metadata?.deletionTimestamp && Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
const webPods = async (): Promise<Pod[]> => (await client.resource('pod').list(NS, { labelSelector: 'app=web' })).items;

beforeAll(async () => {
  await holdHostNetwork(1_800_000);
  const [port, etcdPort, kubeletPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort()];
  await ok(['up', '--detach', '--node-name', NODE, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort)], 240_000);
  client = ApiClient.fromConfig(await loadClientConfig({ path: join(dataDir, 'admin.conf'), env: {} }));
  await defaultServiceAccount(NS);
  await ok(['apply', '-f', '-'], { stdin: WEB });
  await pollUntil(async () => (await webPods()).filter(isReady).length === 2, { ...WAIT, what: 'two Ready web pods' });
}, 1_800_000);

tearDownAfterAll({ beforeDown: () => client?.close() });

describe('kubets drain and a PodDisruptionBudget', () => {
  it('fails at --timeout as kubectl does while the budget allows no disruption', async () => {
    expect(await ok(['create', 'pdb', 'web', '--selector=app=web', '--min-available=2'])).toBe('poddisruptionbudget.policy/web created\n');
    await pollUntil(async () => {
      const s = (await client.resource('podDisruptionBudget').get(NS, 'web')).status;
      return s?.observedGeneration === 1 && s.currentHealthy === 2;
    }, { ...WAIT, what: 'the budget counted by the disruption controller' });
    expect(await ok(['get', 'pdb', 'web'])).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+2\s+N\/A\s+0\s+\S+\n$/);

    const drain = await kubets(['drain', NODE, '--ignore-daemonsets', '--timeout=7s'], 120_000);
    expect(drain.code).toBe(1);
    expect(drain.stdout).toMatch(new RegExp(`^node/${NODE} cordoned\n`));
    expect(drain.stderr).toContain(RETRY);
    expect(drain.stderr).toContain('global timeout reached: 7s');
    expect(drain.stderr).toContain(`There are pending nodes to be drained:\n ${NODE}\n`);
    expect((await webPods()).filter(isReady)).toHaveLength(2);
  }, TEST_TIMEOUT_MS);

  it('retries until the budget allows the evictions, then completes', async () => {
    const drain = spawnDrain(['drain', NODE, '--ignore-daemonsets', '--grace-period=1', '--timeout=240s']);
    await pollUntil(() => drain.stderr().includes(RETRY), { ...WAIT, what: 'the drain refused by the budget' });
    expect((await webPods()).filter(isReady)).toHaveLength(2);
    await ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":0}}']);
    expect(await drain.exit, drain.stderr()).toBe(0);
    const names = (drain.stdout().match(/^pod\/\S+ evicted$/gm) ?? []).sort();
    expect(names).toHaveLength(2);
    expect(drain.stdout()).toMatch(new RegExp(`node/${NODE} drained\n$`));
    await pollUntil(async () => (await webPods()).every((p) => p.status?.phase === 'Pending' && !p.spec?.nodeName), { ...WAIT, what: 'the replacements waiting for a schedulable node' });
  }, TEST_TIMEOUT_MS);
});
