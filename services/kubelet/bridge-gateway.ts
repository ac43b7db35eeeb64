import type Docker from 'dockerode';
import { networkInterfaces } from 'node:os';
import { DEFAULT_POD_NETWORK } from './runtime/docker-runtime.js';

/** Docker's default when neither the daemon nor the host says otherwise. */
export const DOCKER_DEFAULT_BRIDGE_GATEWAY = '172.17.0.1';
const BRIDGE_INTERFACE = 'docker0';

/** The docker0 address as the host's interfaces show it, if the bridge exists. */
export function bridgeInterfaceAddress(): string | undefined {
  return networkInterfaces()[BRIDGE_INTERFACE]?.find((a) => a.family === 'IPv4')?.address;
}

/**
 * The gateway of the pod network (Docker's bridge): the host address every pod reaches, where the
 * cluster DNS listens (ARCHITECTURE.md, leak 2). Asked from Docker, else read from docker0.
 */
export async function bridgeGateway(docker: Docker, network = DEFAULT_POD_NETWORK): Promise<string> {
  try {
    const info = (await docker.getNetwork(network).inspect()) as { IPAM?: { Config?: Array<{ Gateway?: string }> } };
    const gateway = info.IPAM?.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'))?.Gateway;
    if (gateway) return gateway;
  } catch {
    // Docker is down or has no such network: fall back to the host's view.
  }
  return bridgeInterfaceAddress() ?? DOCKER_DEFAULT_BRIDGE_GATEWAY;
}
