import type Docker from 'dockerode';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DEFAULT_POD_NETWORK } from './runtime/docker-runtime.js';

/** Docker's default when neither the daemon nor the host says otherwise. */
const DOCKER_DEFAULT_BRIDGE_GATEWAY = '172.17.0.1';
const BRIDGE_INTERFACE = 'docker0';

/** The docker0 address as the host's interfaces show it; absent while the bridge has no carrier. */
export function bridgeInterfaceAddress(): string | undefined {
  return networkInterfaces()[BRIDGE_INTERFACE]?.find((a) => a.family === 'IPv4')?.address;
}

/**
 * The gateway of Docker's pod network as Docker reports it, or undefined when Docker does not
 * answer. Docker leaves Gateway out for its default bridge; docker0 then holds the subnet's first
 * address, unless the daemon was given another (--bip), which the interface itself shows.
 */
export async function dockerBridgeGateway(docker: Docker, network = DEFAULT_POD_NETWORK): Promise<string | undefined> {
  let configs: Array<{ Gateway?: string; Subnet?: string }>;
  try {
    const info = (await docker.getNetwork(network).inspect()) as { IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> } };
    configs = (info.IPAM?.Config ?? []).filter((c) => isIPv4(c.Gateway ?? '') || isIPv4((c.Subnet ?? '').split('/')[0] ?? ''));
  } catch {
    return undefined;
  }
  const config = configs[0];
  if (!config) return undefined;
  if (config.Gateway) return config.Gateway;
  if (network === DEFAULT_POD_NETWORK) {
    const fromInterface = bridgeInterfaceAddress();
    if (fromInterface) return fromInterface;
  }
  return firstHostAddress(config.Subnet ?? '');
}

/** 172.17.0.0/16 → 172.17.0.1. */
function firstHostAddress(cidr: string): string | undefined {
  const [base = '', bits = '32'] = cidr.split('/');
  if (!isIPv4(base)) return undefined;
  const prefix = Number(bits);
  const value = base.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const first = (((value & mask) >>> 0) + 1) >>> 0;
  return [24, 16, 8, 0].map((shift) => (first >>> shift) & 255).join('.');
}

/**
 * The gateway of the pod network (Docker's bridge): the host address every pod reaches, where the
 * cluster DNS listens (README, network safety: DNS). Asked from Docker, else read from docker0 (which
 * the host lists only while a container is attached), else Docker's default.
 */
export async function bridgeGateway(docker: Docker, network = DEFAULT_POD_NETWORK): Promise<string> {
  return (await dockerBridgeGateway(docker, network)) ?? bridgeInterfaceAddress() ?? DOCKER_DEFAULT_BRIDGE_GATEWAY;
}
