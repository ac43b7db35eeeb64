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

  it('skips a write whose isolated pods are unchanged until the last write is rewriteUnchangedAfterMs old', async () => {
    const ipt = new FakeIptables();
    let now = 0;
    const agent = new NetworkPolicyAgent({ nodeName: 'n1', iptables: ipt, log: pino({ level: 'silent' }), rewriteUnchangedAfterMs: 30_000, clock: () => now });
    await agent.sync(inputs);
    // Another pod of another node, and an unrelated pod update: the ruleset would be the same.
    const other = { metadata: { namespace: 'default', name: 'b' }, spec: { nodeName: 'n2' }, status: { phase: 'Running', podIP: '10.0.1.2' } };
    now = 1_000;
    await agent.sync({ ...inputs, pods: [...inputs.pods, other] });
    expect(ipt.restores).toHaveLength(1);
    now = 2_000;
    await agent.sync({ ...inputs, pods: [{ ...inputs.pods[0]!, status: { phase: 'Running', podIP: '10.0.0.3' } }] });
    expect(ipt.restores).toHaveLength(2);
    expect(ipt.restores[1]).toContain('-A KUBE-NWPLCY -d 10.0.0.3/32 -j KUBE-NWP-I-');
    now = 32_000;
    await agent.sync({ ...inputs, pods: [{ ...inputs.pods[0]!, status: { phase: 'Running', podIP: '10.0.0.3' } }] });
    expect(ipt.restores).toHaveLength(3);
  });
});
