import type { Node } from '../../../lib/api/generated/index.js';
import { podCidrsOf } from '../../../lib/api/node-pod-cidrs.js';
import { cidrContains } from '../../../lib/net/ipv4.js';
import { runCommand, type CommandResult } from '../../../lib/run-command.js';
import { publishedNetworkData } from './annotations.js';

/**
 * Routes this agent owns carry this protocol number, so a sync can tell them from every other
 * route of the host and remove the ones whose node has gone (as flannel's host-gw backend does).
 * The number is the same for every cluster: another cluster on this host (another `kubets up`, its
 * own --cluster-cidr) marks its routes alike, so an agent takes for its own only the routes of
 * that protocol whose destination lies inside its cluster CIDR.
 */
export const ROUTE_PROTOCOL = '211';

export interface PodRoute {
  /** Another node's pod subnet. */
  podCidr: string;
  /** That node's InternalIP, the next hop (with VXLAN, its tunnel endpoint's address). */
  via: string;
  /** The device it leaves by, as listed (host-gw routes leave that to the kernel). */
  dev?: string;
}

/** Runs iproute2's `ip` and `bridge`; a fake in unit tests. */
export interface IpRunner {
  ip(args: readonly string[]): Promise<CommandResult>;
  bridge(args: readonly string[]): Promise<CommandResult>;
}

class RouteError extends Error {
  override readonly name = 'RouteError';
}

export const execIp: IpRunner = {
  ip: (args) => runCommand('ip', args, { timeoutMs: 10_000, packageName: 'iproute2' }),
  bridge: (args) => runCommand('bridge', args, { timeoutMs: 10_000, packageName: 'iproute2' }),
};

export function internalIp(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

function routeOf(node: Node): PodRoute | undefined {
  const podCidr = podCidrsOf(node)[0];
  const via = internalIp(node);
  return podCidr && via ? { podCidr, via } : undefined;
}

/** What of a node its routes depend on (subnet, address, published tunnel data), to skip the changes that do not matter (heartbeats). */
export function routeKey(node: Node): string {
  const route = routeOf(node);
  return [route ? `${route.podCidr} ${route.via}` : '', ...publishedNetworkData(node)].join(' ');
}

/** Host-gw: a route to every other node's pod subnet through that node's address. */
export function desiredRoutes(nodes: readonly Node[], self: string): PodRoute[] {
  const routes: PodRoute[] = [];
  for (const node of nodes) {
    const route = routeOf(node);
    if (node.metadata?.name !== self && route) routes.push(route);
  }
  return routes.sort((a, b) => a.podCidr.localeCompare(b.podCidr));
}

/** Runs `ip` (or `bridge`) and returns its output, or fails naming the command and its message. */
export async function run(ipr: IpRunner, args: readonly string[], tool: 'ip' | 'bridge' = 'ip'): Promise<string> {
  const result = await (tool === 'ip' ? ipr.ip(args) : ipr.bridge(args));
  if (result.code !== 0) throw new RouteError(`${tool} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || 'no message'}`);
  return result.stdout;
}

/** The routes this agent installed earlier, as `ip -j route` lists them: ours by protocol, this cluster's by destination. */
export async function ownRoutes(ipr: IpRunner, clusterCidr: string): Promise<PodRoute[]> {
  const out = await run(ipr, ['-j', 'route', 'show', 'proto', ROUTE_PROTOCOL]);
  const listed = JSON.parse(out.trim() || '[]') as Array<{ dst?: string; gateway?: string; dev?: string }>;
  return listed
    .filter((r) => r.dst && r.gateway && cidrContains(clusterCidr, r.dst))
    .map((r) => ({ podCidr: r.dst!, via: r.gateway!, ...(r.dev && { dev: r.dev }) }));
}

/** Makes this cluster's routes exactly the wanted ones: replaces what changed, removes what is no longer wanted. Returns the changes made. */
export async function syncRoutes(ipr: IpRunner, clusterCidr: string, wanted: readonly PodRoute[]): Promise<string[]> {
  const current = await ownRoutes(ipr, clusterCidr);
  const changes: string[] = [];
  for (const route of wanted) {
    if (current.some((r) => r.podCidr === route.podCidr && r.via === route.via)) continue;
    await run(ipr, ['route', 'replace', route.podCidr, 'via', route.via, 'proto', ROUTE_PROTOCOL]);
    changes.push(`+${route.podCidr} via ${route.via}`);
  }
  for (const route of current) {
    if (wanted.some((r) => r.podCidr === route.podCidr)) continue;
    await run(ipr, ['route', 'del', route.podCidr, 'proto', ROUTE_PROTOCOL]);
    changes.push(`-${route.podCidr}`);
  }
  return changes;
}
