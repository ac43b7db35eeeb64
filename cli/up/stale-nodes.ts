import type { Logger } from 'pino';
import { ApiError } from '../../lib/api/errors.js';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import type { ClusterFiles } from './cluster-files.js';

/**
 * The Nodes of further local nodes (`<host>-node<k>`, as planLocalNodes names them) that this run
 * of `kubets up --nodes count` does not start: left by an earlier run with more nodes, they would
 * stay in the API and, until the node controller saw them silent, attract pods.
 */
export function staleLocalNodeNames(nodeNames: readonly string[], hostName: string, count: number): string[] {
  const prefix = `${hostName}-node`;
  return nodeNames.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const k = name.slice(prefix.length);
    return /^[1-9]\d*$/.test(k) && Number(k) >= 2 && Number(k) > count;
  });
}

/** Deletes the stale local Nodes (before the scheduler starts, so no pod is placed on one); returns their names. */
export async function deleteStaleLocalNodes(client: ApiClient, hostName: string, count: number): Promise<string[]> {
  const { items } = await client.resource('node').listAll('');
  const stale = staleLocalNodeNames(items.map((n) => n.metadata?.name ?? ''), hostName, count);
  for (const name of stale) {
    try {
      await client.resource('node').delete('', name);
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
    }
  }
  return stale;
}

export async function removeStaleLocalNodes(files: ClusterFiles, hostName: string, count: number, log: Logger): Promise<void> {
  const client = ApiClient.fromConfig(await loadClientConfig({ path: files.configs.admin, env: {} }));
  try {
    const stale = await deleteStaleLocalNodes(client, hostName, count);
    if (stale.length > 0) log.info({ nodes: stale }, 'removed the Nodes of local nodes this run does not start');
  } finally {
    client.close();
  }
}
