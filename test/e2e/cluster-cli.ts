import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Node } from '../../lib/api/generated/index.js';
import { holdHostNetwork } from '../harness/host-network-lock.js';
import { pollUntil } from '../harness/poll.js';
import { runCli, type CliResult } from './cli/cli-harness.js';

export interface CliCallOptions {
  timeoutMs?: number;
  stdin?: string;
}

/** How an e2e file's cluster goes down after its tests. */
export interface TearDownOptions {
  /** Added to `kubets down` (e.g. `--node-name`). */
  downArgs?: string[];
  /** Before `kubets down`: close the file's clients and browsers, check the running cluster; `down` runs even if this throws. */
  beforeDown?: () => unknown;
  /** After a `kubets down` that exited 0: check the host was left as found. */
  afterDown?: () => unknown;
  /** For `kubets down` itself. */
  downTimeoutMs?: number;
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
  /**
   * Takes the host network for this file (other e2e files program the same iptables), waiting up to
   * timeoutMs for the file that holds it; tearDownAfterAll releases it.
   */
  holdHostNetwork(timeoutMs?: number): Promise<void>;
  /** Waits for a namespace's default ServiceAccount, which the pods of that namespace need to be admitted. */
  defaultServiceAccount(namespace?: string, timeoutMs?: number): Promise<void>;
  /**
   * Registers the file's afterAll: beforeDown, `kubets down` (failing unless it exits 0), afterDown;
   * then, whatever happened, the temp dir removed and the host network released.
   */
  tearDownAfterAll(opts?: TearDownOptions): void;
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
  let releaseHostNetwork: (() => void) | undefined;
  const holdHostNetworkForFile = async (timeoutMs?: number): Promise<void> => {
    releaseHostNetwork = await holdHostNetwork(timeoutMs);
  };
  const defaultServiceAccount = async (namespace = 'default', timeoutMs = 180_000): Promise<void> => {
    await pollUntil(async () => (await kubets(['get', 'serviceaccount', 'default', '-n', namespace])).code === 0, { timeoutMs, intervalMs: 1_000, what: `the default ServiceAccount of namespace ${namespace}` });
  };
  const down = async ({ downArgs = [], beforeDown, afterDown, downTimeoutMs = 180_000 }: TearDownOptions): Promise<void> => {
    try {
      await beforeDown?.();
    } finally {
      const r = await kubets(['down', '--data-dir', dataDir, ...downArgs], downTimeoutMs);
      if (r.code !== 0) throw new Error(`kubets down failed (${r.code}): ${r.stderr}`);
    }
    await afterDown?.();
  };
  const tearDownAfterAll = (opts: TearDownOptions = {}): void => {
    afterAll(async () => {
      try {
        await down(opts);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        releaseHostNetwork?.();
      }
    }, (opts.downTimeoutMs ?? 180_000) + 60_000);
  };
  return { dir, dataDir, env, kubets, ok, getJson, nodesReady, holdHostNetwork: holdHostNetworkForFile, defaultServiceAccount, tearDownAfterAll };
}
