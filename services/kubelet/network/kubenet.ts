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
  Options?: Record<string, string>;
}

/** Docker's bridge driver option for the MTU of the bridge and of every pod's eth0 on it. */
const MTU_OPTION = 'com.docker.network.driver.mtu';

/**
 * The kubenet network of a pod subnet: a bridge (cbr0) holding the gateway, pods numbered from the
 * subnet, no masquerading by Docker, and the MTU pods' interfaces get (`mtu`, when the pod network
 * needs less than the engine's default: a VXLAN backend's 50 bytes of encapsulation).
 */
export function kubenetNetworkSpec(podCidr: string, mtu?: number): Docker.NetworkCreateOptions {
  const subnet = formatIpv4Cidr(parseIpv4Cidr(podCidr)!);
  return {
    Name: KUBENET_NETWORK,
    Driver: 'bridge',
    IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: podGateway(podCidr) }] },
    Options: {
      'com.docker.network.bridge.name': KUBENET_BRIDGE,
      'com.docker.network.bridge.enable_ip_masquerade': 'false',
      'com.docker.network.bridge.enable_icc': 'true',
      ...(mtu !== undefined && { [MTU_OPTION]: String(mtu) }),
    },
    Labels: { 'io.kubets.pod-cidr': subnet },
  };
}

/** How an existing network differs from the wanted one (its subnet, its MTU), or undefined when it fits. */
export function kubenetDifference(existing: Pick<NetworkInfo, 'IPAM' | 'Options'>, wanted: Docker.NetworkCreateOptions): { subnet?: string; mtu?: string } | undefined {
  const subnet = existing.IPAM?.Config?.[0]?.Subnet;
  const mtu = existing.Options?.[MTU_OPTION];
  const difference = {
    ...(subnet !== wanted.IPAM?.Config?.[0]?.Subnet && { subnet: subnet ?? 'none' }),
    ...(mtu !== wanted.Options?.[MTU_OPTION] && { mtu: mtu ?? "the engine's default" }),
  };
  return Object.keys(difference).length > 0 ? difference : undefined;
}

/**
 * Makes the engine's kubenet network the node's pod subnet (kubenetNetworkSpec): pod addresses
 * stay visible inside the cluster CIDR, and the node's network agent masquerades only what leaves
 * it. A network left with another subnet (a node that was given a new one) or another MTU (a pod
 * network moved to another backend) is replaced while no container uses it; one with another
 * subnet that containers still use stops the kubelet, one with only another MTU is kept (its pods
 * work, with the old MTU, until they are gone and the kubelet restarts).
 */
export async function ensureKubenetNetwork(docker: Docker, podCidr: string, log: Logger, mtu?: number): Promise<void> {
  const wanted = kubenetNetworkSpec(podCidr, mtu);
  const subnet = wanted.IPAM!.Config![0]!.Subnet!;
  const existing = (await docker.listNetworks({ filters: { name: [KUBENET_NETWORK] } })).find((n) => n.Name === KUBENET_NETWORK) as NetworkInfo | undefined;
  if (existing) {
    const difference = kubenetDifference(existing, wanted);
    if (!difference) return;
    // Every container attached, created or stopped ones too: the network's own inspect lists only
    // running ones, yet Docker refuses to remove a network any container is attached to.
    const attached = await docker.listContainers({ all: true, filters: { network: [existing.Id] } });
    // A network that cannot be replaced: another subnet stops the kubelet; the same subnet with
    // another MTU still carries pods, so it is kept.
    const keepOrStop = (why: string): void => {
      if (difference.subnet) throw new PodCidrError(`the ${KUBENET_NETWORK} network has subnet ${difference.subnet} but the node's podCIDR is ${subnet}, and ${why}`);
      log.warn({ mtu: difference.mtu, wanted: mtu ?? "the engine's default" }, `the ${KUBENET_NETWORK} network has another MTU and ${why}: kept`);
    };
    if (attached.length > 0) return keepOrStop('containers still use it');
    log.info({ ...difference, podCIDR: subnet, mtu }, 'replacing the pod network with the wanted subnet and MTU');
    try {
      await docker.getNetwork(existing.Id).remove();
    } catch (err) {
      // The engine may still count endpoints of containers long gone (an engine killed while pods
      // ran keeps them in its network store).
      return keepOrStop(`the engine refuses to remove it: ${(err as Error).message}`);
    }
  }
  await docker.createNetwork(wanted);
  log.info({ podCIDR: subnet, gateway: podGateway(podCidr), bridge: KUBENET_BRIDGE, ...(mtu !== undefined && { mtu }) }, 'pod network ready');
}
