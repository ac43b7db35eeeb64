import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';

export class HostRequirementError extends Error {
  override readonly name = 'HostRequirementError';
}

/** Reads and writes `/proc/sys`; injectable so the logic is testable without root. */
export interface SysctlAccess {
  /** undefined when the key does not exist (e.g. its kernel module is not loaded). */
  read(key: string): Promise<string | undefined>;
  write(key: string, value: string): Promise<void>;
  loadModule(name: string): Promise<void>;
}

interface Requirement {
  key: string;
  /** Kernel module that provides the key. */
  module?: string;
  why: string;
}

/**
 * What Services need from the host. route_localnet lets a node port on 127.0.0.1 be DNATed to a
 * pod; bridge-nf-call-iptables makes traffic between pods on the Docker bridge pass through
 * iptables, without which pod → ClusterIP → pod on the same bridge gets replies it cannot match;
 * ip_forward carries pod traffic through the host at all.
 */
const REQUIREMENTS: readonly Requirement[] = [
  { key: 'net.ipv4.conf.all.route_localnet', why: 'node ports on 127.0.0.1' },
  { key: 'net.bridge.bridge-nf-call-iptables', module: 'br_netfilter', why: 'pod → ClusterIP → pod on the same bridge' },
  { key: 'net.ipv4.ip_forward', why: 'forwarding pod traffic through the host' },
];

/** Sets every requirement to 1 (loading its module first if needed) or fails naming the one that cannot be met. */
export async function ensureHostRequirements(sysctl: SysctlAccess, log: Logger): Promise<void> {
  for (const req of REQUIREMENTS) {
    let value = await sysctl.read(req.key);
    if (value === undefined && req.module) {
      await sysctl.loadModule(req.module).catch((err: unknown) => log.warn({ module: req.module, err: (err as Error).message }, 'loading kernel module failed'));
      value = await sysctl.read(req.key);
    }
    if (value === undefined) {
      const hint = req.module ? ` (load the ${req.module} kernel module: modprobe ${req.module})` : '';
      throw new HostRequirementError(`${req.key} is not available on this host${hint}; the proxy needs it for ${req.why}`);
    }
    if (value === '1') continue;
    await sysctl.write(req.key, '1').catch((err: unknown) => {
      throw new HostRequirementError(`cannot set ${req.key}=1 (${(err as Error).message}); the proxy needs it for ${req.why}: run as root or set it with sysctl -w ${req.key}=1`);
    });
    if ((await sysctl.read(req.key)) !== '1') throw new HostRequirementError(`${req.key} did not stay at 1 after setting it; the proxy needs it for ${req.why}`);
    log.info({ sysctl: req.key }, 'set to 1');
  }
}

function procPath(key: string): string {
  return `/proc/sys/${key.replaceAll('.', '/')}`;
}

export const procSysctl: SysctlAccess = {
  async read(key) {
    try {
      return (await readFile(procPath(key), 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  async write(key, value) {
    await writeFile(procPath(key), value);
  },
  loadModule(name) {
    return new Promise((resolve, reject) => {
      execFile('modprobe', [name], { timeout: 10_000 }, (err, _stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve()));
    });
  },
};
