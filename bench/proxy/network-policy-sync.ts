import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import type { Namespace, NetworkPolicy, Pod } from '../../lib/api/generated/index.js';
import { runCommand } from '../../lib/run-command.js';
import { IptablesError, type CommandResult, type IptablesRunner, type TableName } from '../../services/proxy/iptables/iptables.js';
import { NetworkPolicyAgent } from '../../services/proxy/network-policy/network-policy-agent.js';
import { printResult } from '../harness/report.js';

// NetworkPolicy rule sync time for 100 policies: the proxy's policy agent writes its rules into
// the iptables of a network namespace made for the run (nothing of the host's rules is touched).
// Per run: the first sync (every chain new), a sync with nothing changed, and a sync after one
// policy changed, each the agent's whole sync (model, render, iptables-restore, jump checks).

const POLICIES = 100;
const CLIENT_GROUPS = 10;
const RUNS = 3;

/** iptables inside one network namespace. */
class NetnsIptables implements IptablesRunner {
  constructor(private readonly netns: string) {}

  private run(args: readonly string[], input?: string): Promise<CommandResult> {
    return runCommand('ip', ['netns', 'exec', this.netns, ...args], { timeoutMs: 60_000, ...(input !== undefined && { input }) });
  }

  iptables(args: readonly string[]): Promise<CommandResult> {
    return this.run(['iptables', '-w', '5', ...args]);
  }

  async save(table: TableName): Promise<string> {
    const result = await this.run(['iptables-save', '-t', table]);
    if (result.code !== 0) throw new IptablesError('iptables-save', result.code, result.stderr);
    return result.stdout;
  }

  async restore(input: string): Promise<void> {
    const result = await this.run(['iptables-restore', '-w', '5', '--noflush'], input);
    if (result.code !== 0) throw new IptablesError('iptables-restore', result.code, result.stderr);
  }
}

function inputs(changedPort: number): { policies: NetworkPolicy[]; pods: Pod[]; namespaces: Namespace[] } {
  const pod = (name: string, ip: string, labels: Record<string, string>, nodeName: string): Pod => ({
    metadata: { namespace: 'bench', name, labels },
    spec: { nodeName, containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip },
  });
  const servers = Array.from({ length: POLICIES }, (_, i) => pod(`server-${i}`, `10.244.0.${i + 2}`, { app: `app-${i}` }, 'bench-node'));
  const clients = Array.from({ length: POLICIES }, (_, i) => pod(`client-${i}`, `10.244.1.${i + 2}`, { role: `client-${i % CLIENT_GROUPS}` }, 'other-node'));
  const policies = Array.from({ length: POLICIES }, (_, i): NetworkPolicy => ({
    metadata: { namespace: 'bench', name: `policy-${i}` },
    spec: {
      podSelector: { matchLabels: { app: `app-${i}` } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { role: `client-${i % CLIENT_GROUPS}` } } }], ports: [{ protocol: 'TCP', port: { strVal: 'http' } }] },
        { from: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }], ports: [{ protocol: 'TCP', port: { intVal: i === 0 ? changedPort : 443 } }] },
      ],
      egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: { intVal: 53 } }] }],
    },
  }));
  return { policies, pods: [...servers, ...clients], namespaces: [{ metadata: { name: 'bench', labels: { 'kubernetes.io/metadata.name': 'bench' } } }] };
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return Math.round(performance.now() - start);
}

async function oneRun(): Promise<{ firstMs: number; unchangedMs: number; oneChangedMs: number; filterRules: number }> {
  const netns = `kubets-bench-np-${randomBytes(3).toString('hex')}`;
  await runCommand('ip', ['netns', 'add', netns], { timeoutMs: 10_000 });
  try {
    const iptables = new NetnsIptables(netns);
    const agent = new NetworkPolicyAgent({ nodeName: 'bench-node', iptables, log: pino({ level: 'silent' }) });
    const firstMs = await timed(() => agent.sync(inputs(443)));
    const unchangedMs = await timed(() => agent.sync(inputs(443)));
    const oneChangedMs = await timed(() => agent.sync(inputs(8443)));
    const filterRules = (await iptables.save('filter')).split('\n').filter((l) => l.startsWith('-A ')).length;
    return { firstMs, unchangedMs, oneChangedMs, filterRules };
  } finally {
    await runCommand('ip', ['netns', 'delete', netns], { timeoutMs: 10_000 });
  }
}

export async function benchNetworkPolicySync(): Promise<void> {
  for (let run = 1; run <= RUNS; run++) {
    printResult('proxy-network-policy-sync', { run, policies: POLICIES, isolatedPods: POLICIES, loadAverage1m: loadavg()[0], ...(await oneRun()) });
  }
}
