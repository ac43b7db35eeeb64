import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeIptables } from '../iptables/fake-iptables.js';
import { NetworkPolicyAgent } from './network-policy-agent.js';

const JUMP = '-m comment --comment kubets: network policies -j KUBE-NWPLCY';
const inputs = {
  policies: [{ metadata: { namespace: 'default', name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }],
  pods: [{ metadata: { namespace: 'default', name: 'a' }, spec: { nodeName: 'n1' }, status: { phase: 'Running', podIP: '10.0.0.2' } }],
  namespaces: [{ metadata: { name: 'default' } }],
};

describe('NetworkPolicyAgent', () => {
  it('writes the ruleset, then keeps its jumps first in FORWARD and DOCKER-USER', async () => {
    const ipt = new FakeIptables();
    ipt.tables.filter.get('FORWARD')!.push('-j DOCKER-USER');
    const agent = new NetworkPolicyAgent({ nodeName: 'n1', iptables: ipt, log: pino({ level: 'silent' }) });
    expect(await agent.sync(inputs)).toEqual({ isolatedPods: 1 });
    expect(ipt.restores[0]).toContain('-A KUBE-NWPLCY -d 10.0.0.2/32 -j KUBE-NWP-I-');
    expect(ipt.rules('filter', 'FORWARD')).toEqual([JUMP, '-j DOCKER-USER']);
    expect(ipt.rules('filter', 'DOCKER-USER')).toEqual([JUMP]);

    // Docker restarted and put its jump back on top: the next sync moves ours above it again.
    ipt.tables.filter.get('FORWARD')!.unshift('-j DOCKER-FORWARD');
    await agent.sync(inputs);
    expect(ipt.rules('filter', 'FORWARD')).toEqual([JUMP, '-j DOCKER-FORWARD', '-j DOCKER-USER']);

    await agent.cleanup();
    expect(ipt.rules('filter', 'FORWARD')).toEqual(['-j DOCKER-FORWARD', '-j DOCKER-USER']);
    expect([...ipt.tables.filter.keys()].filter((c) => c.startsWith('KUBE-NWP'))).toEqual([]);
  });
});
