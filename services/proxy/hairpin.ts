import { readdir, readFile, writeFile } from 'node:fs/promises';
import { HostRequirementError } from './host-requirements.js';

/** The bridge's ports in sysfs; injectable for tests. */
export interface BridgePorts {
  /** Port (veth) names, or undefined when the bridge does not exist (yet). */
  list(bridge: string): Promise<string[] | undefined>;
  /** undefined when the port went away meanwhile. */
  read(bridge: string, port: string): Promise<string | undefined>;
  write(bridge: string, port: string, value: string): Promise<void>;
}

const brif = (bridge: string): string => `/sys/class/net/${bridge}/brif`;

function missing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export const sysfsBridgePorts: BridgePorts = {
  async list(bridge) {
    try {
      return await readdir(brif(bridge));
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  },
  async read(bridge, port) {
    try {
      return (await readFile(`${brif(bridge)}/${port}/hairpin_mode`, 'utf8')).trim();
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  },
  async write(bridge, port, value) {
    await writeFile(`${brif(bridge)}/${port}/hairpin_mode`, value);
  },
};

/**
 * Pod → ClusterIP → the same pod: with bridge-nf-call-iptables, the DNAT happens as the frame
 * enters the bridge, and the rewritten frame is bridged straight back out of the port it came in
 * on, which a bridge refuses unless that port is in hairpin mode (kubelet's hairpin-veth mode).
 * Our hairpin masquerade then makes the reply come from the gateway. Sets hairpin mode on every
 * port of the pod bridge; a port that vanishes meanwhile is skipped. Returns the ports changed.
 */
export async function ensureHairpin(bridge: string, ports: BridgePorts = sysfsBridgePorts): Promise<string[]> {
  const changed: string[] = [];
  for (const port of (await ports.list(bridge)) ?? []) {
    const value = await ports.read(bridge, port);
    if (value === undefined || value === '1') continue;
    try {
      await ports.write(bridge, port, '1');
    } catch (err) {
      if (missing(err)) continue;
      throw new HostRequirementError(
        `cannot enable hairpin mode on ${bridge} port ${port} (${(err as Error).message}); the proxy needs it for pod → ClusterIP → the same pod: run as root with /sys writable`,
      );
    }
    changed.push(port);
  }
  return changed;
}
