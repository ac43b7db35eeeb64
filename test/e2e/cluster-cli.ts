import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from '../../lib/api/generated/index.js';
import { pollUntil } from '../harness/poll.js';
import { runCli, type CliResult } from './cli/cli-harness.js';

export interface CliCallOptions {
  timeoutMs?: number;
  stdin?: string;
}

/** The kubets CLI bound to one e2e cluster: its own HOME and data directory under a new temp dir. */
export interface ClusterCli {
  /** The temp dir (HOME of every call); remove it when the cluster is down. */
  dir: string;
  /** Where `kubets up --data-dir` keeps the cluster. */
  dataDir: string;
  env: Record<string, string>;
  /** Runs kubets against the cluster (60 s unless told; a number is the timeout). */
  kubets(args: string[], opts?: CliCallOptions | number): Promise<CliResult>;
  /** As kubets(), but its stdout, or an error naming the command and its output when it exits non-zero. */
  ok(args: string[], opts?: CliCallOptions | number): Promise<string>;
  /** `kubets <args> -o json`, parsed. */
  getJson<T>(args: string[]): Promise<T>;
  /** Waits until `count` nodes are Ready with a pod subnet, as `kubets get nodes` shows them. */
  nodesReady(count: number, timeoutMs?: number): Promise<void>;
  /** `kubets down` of the cluster (failing unless it exits 0), then the temp dir removed whatever happened. */
  downAndRemove(extraArgs?: string[], timeoutMs?: number): Promise<void>;
}

export function clusterCli(name: string): ClusterCli {
  const dir = mkdtempSync(join(tmpdir(), `kubets-${name}-`));
  const dataDir = join(dir, 'data');
  const env = { HOME: dir, KUBETS_CONFIG: join(dataDir, 'admin.conf') };
  const kubets = (args: string[], opts: CliCallOptions | number = {}): Promise<CliResult> => {
    const { timeoutMs = 60_000, stdin } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    return runCli(args, env, { timeoutMs, ...(stdin !== undefined && { stdin }) });
  };
  const ok = async (args: string[], opts?: CliCallOptions | number): Promise<string> => {
    const r = await kubets(args, opts);
    if (r.code !== 0) throw new Error(`kubets ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;
  const nodesReady = async (count: number, timeoutMs = 180_000): Promise<void> => {
    await pollUntil(
      async () => {
        const nodes = (await getJson<{ items: Node[] }>(['get', 'nodes'])).items;
        return nodes.filter((n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === count;
      },
      { timeoutMs, intervalMs: 1_000, what: `${count} Ready nodes with pod subnets` },
    );
  };
  const downAndRemove = async (extraArgs: string[] = [], timeoutMs = 180_000): Promise<void> => {
    try {
      const down = await kubets(['down', '--data-dir', dataDir, ...extraArgs], timeoutMs);
      if (down.code !== 0) throw new Error(`kubets down failed (${down.code}): ${down.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { dir, dataDir, env, kubets, ok, getJson, nodesReady, downAndRemove };
}
