import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ensureHostRequirements, HostRequirementError, type SysctlAccess } from './host-requirements.js';

const log = pino({ level: 'silent' });

function fakeSysctl(values: Record<string, string>, opts: { modules?: Record<string, Record<string, string>>; readOnly?: boolean } = {}): SysctlAccess & { values: Record<string, string> } {
  return {
    values,
    read: async (key) => values[key],
    write: async (key, value) => {
      if (opts.readOnly) throw new Error('EROFS: read-only file system');
      values[key] = value;
    },
    loadModule: async (name) => {
      const provides = opts.modules?.[name];
      if (!provides) throw new Error(`modprobe: FATAL: Module ${name} not found`);
      Object.assign(values, provides);
    },
  };
}

describe('ensureHostRequirements', () => {
  it('sets what is 0 and loads br_netfilter when its sysctl is missing', async () => {
    const sysctl = fakeSysctl(
      { 'net.ipv4.conf.all.route_localnet': '0', 'net.ipv4.ip_forward': '1' },
      { modules: { br_netfilter: { 'net.bridge.bridge-nf-call-iptables': '0' } } },
    );
    await ensureHostRequirements(sysctl, log);
    expect(sysctl.values).toEqual({ 'net.ipv4.conf.all.route_localnet': '1', 'net.ipv4.ip_forward': '1', 'net.bridge.bridge-nf-call-iptables': '1' });
  });

  it('fails naming the requirement it cannot meet', async () => {
    const noModule = fakeSysctl({ 'net.ipv4.conf.all.route_localnet': '1', 'net.ipv4.ip_forward': '1' });
    await expect(ensureHostRequirements(noModule, log)).rejects.toThrow(/net\.bridge\.bridge-nf-call-iptables is not available .*modprobe br_netfilter/);
    const readOnly = fakeSysctl({ 'net.ipv4.conf.all.route_localnet': '0' }, { readOnly: true });
    await expect(ensureHostRequirements(readOnly, log)).rejects.toThrow(HostRequirementError);
    await expect(ensureHostRequirements(readOnly, log)).rejects.toThrow(/cannot set net\.ipv4\.conf\.all\.route_localnet=1/);
  });
});
