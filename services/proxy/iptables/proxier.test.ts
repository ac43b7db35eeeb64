import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeIptables } from './fake-iptables.js';
import { DOCKER_USER_CHAIN, GUARD_COMMENT } from './guard.js';
import { IptablesProxier } from './proxier.js';

const log = pino({ level: 'silent' });
const guardSpec = `-d 10.96.0.0/12 -m comment --comment ${GUARD_COMMENT} -j REJECT --reject-with icmp-port-unreachable`;
const ports = [
  {
    namespace: 'default',
    name: 'web',
    portName: '',
    protocol: 'TCP' as const,
    clusterIP: '10.96.0.30',
    port: 80,
    nodePort: 0,
    clientIPAffinity: false,
    endpoints: [{ ip: '172.17.0.3', port: 8080 }],
  },
];

function proxierOn(ipt: FakeIptables): IptablesProxier {
  return new IptablesProxier({ runner: ipt, serviceCidr: '10.96.0.0/12', nodePortAddresses: ['127.0.0.1'], log });
}

describe('IptablesProxier', () => {
  it('installs the service range guard (creating DOCKER-USER) before it writes any forwarding rule', async () => {
    const ipt = new FakeIptables();
    await proxierOn(ipt).sync(ports);
    const firstRestore = ipt.calls.indexOf('iptables-restore');
    const guardInserts = ipt.calls.map((c, i) => [c, i] as const).filter(([c]) => c.includes('-I') && c.includes(GUARD_COMMENT));
    expect(guardInserts.map(([c]) => c.split(' ')[4])).toEqual(['OUTPUT', 'FORWARD', DOCKER_USER_CHAIN]);
    expect(guardInserts.every(([, i]) => i < firstRestore)).toBe(true);
    // Nothing that jumps into our chains exists before the guard either.
    const firstJump = ipt.calls.findIndex((c) => c.includes('-j KUBE-'));
    expect(firstJump).toBeGreaterThan(guardInserts[2]![1]);
    expect(ipt.rules('filter', 'OUTPUT')).toContain(guardSpec);
    expect(ipt.rules('filter', DOCKER_USER_CHAIN)).toEqual([guardSpec]);
    expect(ipt.restores[0]).toContain('-j DNAT --to-destination 172.17.0.3:8080');
  });

  it('re-inserts guard rules that someone removed, on the next sync', async () => {
    const ipt = new FakeIptables();
    const proxier = proxierOn(ipt);
    await proxier.sync(ports);
    ipt.tables.filter.set(DOCKER_USER_CHAIN, ['-j RETURN']);
    ipt.tables.filter.get('FORWARD')!.splice(ipt.rules('filter', 'FORWARD').indexOf(guardSpec), 1);
    await proxier.sync(ports);
    expect(ipt.rules('filter', DOCKER_USER_CHAIN)).toEqual([guardSpec, '-j RETURN']);
    expect(ipt.rules('filter', 'FORWARD')).toContain(guardSpec);
  });

  it('puts the ACCEPTing KUBE-FORWARD jump after the guard, and is idempotent', async () => {
    const ipt = new FakeIptables();
    const proxier = proxierOn(ipt);
    await proxier.sync(ports);
    await proxier.sync(ports);
    const forward = ipt.rules('filter', 'FORWARD');
    expect(forward.filter((r) => r === guardSpec)).toHaveLength(1);
    expect(forward.indexOf(guardSpec)).toBeLessThan(forward.findIndex((r) => r.endsWith('-j KUBE-FORWARD')));
    expect(ipt.rules('nat', 'OUTPUT')).toEqual(['-m comment --comment kubernetes service portals -j KUBE-SERVICES']);
  });

  it('cleanup removes jumps, chains and guard, and leaves Docker chains alone', async () => {
    const ipt = new FakeIptables();
    const proxier = proxierOn(ipt);
    await proxier.sync(ports);
    await proxier.cleanup();
    for (const table of ['filter', 'nat'] as const) {
      for (const [chain, rules] of ipt.tables[table]) {
        expect(chain.startsWith('KUBE-'), `${table} ${chain}`).toBe(false);
        expect(rules.filter((r) => r.includes('KUBE-') || r.includes(GUARD_COMMENT)), `${table} ${chain}`).toEqual([]);
      }
    }
    // We created DOCKER-USER (no Docker here) and it is empty and unreferenced: it goes too.
    expect(ipt.tables.filter.has(DOCKER_USER_CHAIN)).toBe(false);
  });
});
