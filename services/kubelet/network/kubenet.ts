import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { podCidrsOf } from '../../../lib/api/node-pod-cidrs.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { formatIpv4Cidr, numberToIp, parseIpv4Cidr } from '../../../lib/net/ipv4.js';
import { Backoff, sleep } from '../../../lib/informer/backoff.js';

/** The Docker network kubenet pods join, and its Linux bridge (Kubernetes' kubenet calls it cbr0 too). */
export const KUBENET_NETWORK = 'kubenet';
const KUBENET_BRIDGE = 'cbr0';

export class PodCidrError extends Error {
  override readonly name = 'PodCidrError';
}

/** The bridge's own address: the first host address of the node's pod subnet (10.244.3.0/24 → 10.244.3.1). */
export function podGateway(podCidr: string): string {
  const cidr = parseIpv4Cidr(podCidr);
  if (!cidr || cidr.bits > 30) throw new PodCidrError(`invalid podCIDR "${podCidr}": expected an IPv4 CIDR of /30 or larger`);
  return numberToIp(cidr.base + 1);
}

/**
 * Waits until the node has a pod subnet (the controller manager's nodeipam hands it out after the
 * node registers), as Kubernetes' kubenet does before it can run any pod.
 */
export async function waitForPodCidr(client: ApiClient, nodeName: string, signal: AbortSignal, log: Logger): Promise<string> {
  const backoff = new Backoff({ initialMs: 200, maxMs: 2_000 });
  let told = false;
  while (!signal.aborted) {
    const node = await client.resource('node').get('', nodeName).catch(() => undefined);
    const podCidr = node && podCidrsOf(node)[0];
    if (podCidr) return podCidr;
    if (!told) log.info('waiting for the node to be given a pod subnet (spec.podCIDR)');
    told = true;
    await sleep(backoff.next(), signal);
  }
  throw new PodCidrError('stopped before the node was given a pod subnet');
}

interface NetworkInfo {
  Id: string;
  IPAM?: { Config?: Array<{ Subnet?: string }> };
  Containers?: Record<string, unknown>;
}

/**
 * Makes the engine's kubenet network the node's pod subnet: a bridge (cbr0) holding the gateway,
 * pods numbered from the subnet, and no masquerading by Docker: pod addresses stay visible inside
 * the cluster CIDR, and the node's network agent masquerades only what leaves it. A network left
 * with another subnet (a node that was given a new one) is replaced while no container uses it.
 */
export async function ensureKubenetNetwork(docker: Docker, podCidr: string, log: Logger): Promise<void> {
  const subnet = formatIpv4Cidr(parseIpv4Cidr(podCidr)!);
  const gateway = podGateway(podCidr);
  const existing = (await docker.listNetworks({ filters: { name: [KUBENET_NETWORK] } })).find((n) => n.Name === KUBENET_NETWORK) as NetworkInfo | undefined;
  if (existing) {
    const current = existing.IPAM?.Config?.[0]?.Subnet;
    if (current === subnet) return;
    const inspected = (await docker.getNetwork(existing.Id).inspect()) as NetworkInfo;
    if (Object.keys(inspected.Containers ?? {}).length > 0) {
      throw new PodCidrError(`the ${KUBENET_NETWORK} network has subnet ${current} but the node's podCIDR is ${subnet}, and containers still use it`);
    }
    log.info({ from: current, to: subnet }, 'replacing the pod network with the new pod subnet');
    await docker.getNetwork(existing.Id).remove();
  }
  await docker.createNetwork({
    Name: KUBENET_NETWORK,
    Driver: 'bridge',
    IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
    Options: {
      'com.docker.network.bridge.name': KUBENET_BRIDGE,
      'com.docker.network.bridge.enable_ip_masquerade': 'false',
      'com.docker.network.bridge.enable_icc': 'true',
    },
    Labels: { 'io.kubets.pod-cidr': subnet },
  });
  log.info({ podCIDR: subnet, gateway, bridge: KUBENET_BRIDGE }, 'pod network ready');
}
