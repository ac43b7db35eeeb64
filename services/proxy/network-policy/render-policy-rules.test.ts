import { describe, expect, it } from 'vitest';
import { POLICY_CHAIN, renderPolicyRules } from './render-policy-rules.js';

describe('renderPolicyRules', () => {
  it('renders an empty entry chain without isolated pods and deletes stale pod chains', () => {
    expect(renderPolicyRules([], ['INPUT', 'KUBE-NWP-I-OLD', 'KUBE-SERVICES'])).toBe(
      [
        '*filter',
        `:${POLICY_CHAIN} - [0:0]`,
        ':KUBE-NWP-I-OLD - [0:0]',
        `-A ${POLICY_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
        '-X KUBE-NWP-I-OLD',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('sends a pod\'s traffic through its chains, returning what is allowed and dropping the rest', () => {
    const text = renderPolicyRules(
      [
        {
          namespace: 'prod',
          name: 'web',
          ip: '10.0.0.2',
          ingress: [{ peers: [{ cidr: '10.0.0.3/32', except: [] }], port: { protocol: 'tcp', port: 80 } }, { port: { protocol: 'udp', port: 5000, endPort: 5010 } }],
          egress: [],
        },
      ],
      [],
    );
    const lines = text.split('\n');
    const ingress = /-d 10\.0\.0\.2\/32 -j (KUBE-NWP-I-\S+)/.exec(text)?.[1];
    const egress = /-s 10\.0\.0\.2\/32 -j (KUBE-NWP-E-\S+)/.exec(text)?.[1];
    expect(ingress).toHaveLength(27);
    expect(lines).toContain(`-A ${ingress} -s 10.0.0.3/32 -p tcp -m tcp --dport 80 -j RETURN`);
    expect(lines).toContain(`-A ${ingress} -p udp -m udp --dport 5000:5010 -j RETURN`);
    expect(lines).toContain(`-A ${ingress} -m comment --comment "prod/web ingress not allowed by any network policy" -j DROP`);
    expect(lines).toContain(`-A ${egress} -m comment --comment "prod/web egress not allowed by any network policy" -j DROP`);
    // Egress is checked before ingress: a packet between two isolated pods needs both.
    expect(lines.indexOf(`-A ${POLICY_CHAIN} -s 10.0.0.2/32 -j ${egress}`)).toBeLessThan(lines.indexOf(`-A ${POLICY_CHAIN} -d 10.0.0.2/32 -j ${ingress}`));
  });

  it('marks packets in a shared peer-set chain when a rule has several peers or exceptions', () => {
    const peers = [
      { cidr: '10.0.0.3/32', except: [] },
      { cidr: '10.1.0.0/16', except: ['10.1.1.0/24'] },
    ];
    const pod = (name: string, ip: string) => ({ namespace: 'prod', name, ip, egress: [{ peers, port: { protocol: 'tcp' as const, port: 443 } }] });
    const text = renderPolicyRules([pod('a', '10.0.0.2'), pod('b', '10.0.0.4')], []);
    const lines = text.split('\n');
    const egress = /-s 10\.0\.0\.2\/32 -j (KUBE-NWP-E-\S+)/.exec(text)?.[1];
    const set = new RegExp(`-A ${egress} -p tcp -m tcp --dport 443 -j (KUBE-NWP-P-\\S+)`).exec(text)?.[1];
    const block = new RegExp(`-A ${set} -j (KUBE-NWP-B-\\S+)`).exec(text)?.[1];
    expect(lines).toEqual(
      expect.arrayContaining([
        `-A ${egress} -j MARK --set-xmark 0x0/0x20000`,
        `-A ${egress} -m mark --mark 0x20000/0x20000 -j RETURN`,
        `-A ${set} -d 10.0.0.3/32 -j MARK --set-xmark 0x20000/0x20000`,
        `-A ${block} -d 10.1.1.0/24 -j RETURN`,
        `-A ${block} -d 10.1.0.0/16 -j MARK --set-xmark 0x20000/0x20000`,
      ]),
    );
    // Both pods use the one set chain.
    expect(lines.filter((l) => l === `:${set} - [0:0]`)).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith(`-j ${set}`))).toHaveLength(2);
  });
});
