import { describe, expect, it } from 'vitest';
import type { ServicePortInfo } from '../service-ports.js';
import { probability, renderCleanup, renderRules } from './render-rules.js';

const port = (over: Partial<ServicePortInfo>): ServicePortInfo => ({
  namespace: 'default',
  name: 'svc',
  portName: '',
  protocol: 'TCP',
  clusterIP: '10.96.0.10',
  port: 80,
  nodePort: 0,
  clientIPAffinity: false,
  endpoints: [],
  ...over,
});

const walkthroughPorts: ServicePortInfo[] = [
  port({ name: 'mysql', clusterIP: '10.96.0.20', port: 3306, endpoints: [{ ip: '172.17.0.2', port: 3306 }] }),
  port({
    name: 'myweb',
    portName: 'http',
    clusterIP: '10.96.0.30',
    port: 8080,
    nodePort: 30001,
    clientIPAffinity: true,
    endpoints: [
      { ip: '172.17.0.3', port: 8080 },
      { ip: '172.17.0.4', port: 8080 },
    ],
  }),
  port({ name: 'empty', portName: 'dns', protocol: 'UDP', clusterIP: '10.96.0.40', port: 53, nodePort: 30053 }),
];

const GOLDEN = `*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-FIREWALL - [0:0]
-A KUBE-SERVICES -d 10.96.0.40/32 -m comment --comment "default/empty:dns has no endpoints" -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-EXTERNAL-SERVICES -d 127.0.0.1/32 -m comment --comment "default/empty:dns has no endpoints" -p udp -m udp --dport 30053 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-EXTERNAL-SERVICES -d 192.168.1.10/32 -m comment --comment "default/empty:dns has no endpoints" -p udp -m udp --dport 30053 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-R2CEXK5KF4QS4EYR - [0:0]
:KUBE-SEP-HKIPGQXRGAUQ6PDC - [0:0]
:KUBE-SVC-LX4K6KW5EEU5TUCO - [0:0]
:KUBE-SEP-CZYH2ZKILKZIYLPO - [0:0]
:KUBE-SEP-RFRM2JKZBK3BGFLT - [0:0]
:KUBE-SVC-GONEGONEGONEGONE - [0:0]
-A KUBE-POSTROUTING -s 127.0.0.0/8 ! -o lo -m comment --comment "kubernetes loopback node port traffic" -j MASQUERADE
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-SVC-R2CEXK5KF4QS4EYR -m comment --comment "default/mysql -> 172.17.0.2:3306" -j KUBE-SEP-HKIPGQXRGAUQ6PDC
-A KUBE-SEP-HKIPGQXRGAUQ6PDC -s 172.17.0.2/32 -m comment --comment "default/mysql" -j KUBE-MARK-MASQ
-A KUBE-SEP-HKIPGQXRGAUQ6PDC -m comment --comment "default/mysql" -p tcp -m tcp -j DNAT --to-destination 172.17.0.2:3306
-A KUBE-SVC-LX4K6KW5EEU5TUCO -m comment --comment "default/myweb:http -> 172.17.0.3:8080" -m recent --name KUBE-SEP-CZYH2ZKILKZIYLPO --rcheck --seconds 10800 --reap -j KUBE-SEP-CZYH2ZKILKZIYLPO
-A KUBE-SVC-LX4K6KW5EEU5TUCO -m comment --comment "default/myweb:http -> 172.17.0.4:8080" -m recent --name KUBE-SEP-RFRM2JKZBK3BGFLT --rcheck --seconds 10800 --reap -j KUBE-SEP-RFRM2JKZBK3BGFLT
-A KUBE-SVC-LX4K6KW5EEU5TUCO -m comment --comment "default/myweb:http -> 172.17.0.3:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-CZYH2ZKILKZIYLPO
-A KUBE-SVC-LX4K6KW5EEU5TUCO -m comment --comment "default/myweb:http -> 172.17.0.4:8080" -j KUBE-SEP-RFRM2JKZBK3BGFLT
-A KUBE-SEP-CZYH2ZKILKZIYLPO -s 172.17.0.3/32 -m comment --comment "default/myweb:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-CZYH2ZKILKZIYLPO -m comment --comment "default/myweb:http" -m recent --name KUBE-SEP-CZYH2ZKILKZIYLPO --set -p tcp -m tcp -j DNAT --to-destination 172.17.0.3:8080
-A KUBE-SEP-RFRM2JKZBK3BGFLT -s 172.17.0.4/32 -m comment --comment "default/myweb:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-RFRM2JKZBK3BGFLT -m comment --comment "default/myweb:http" -m recent --name KUBE-SEP-RFRM2JKZBK3BGFLT --set -p tcp -m tcp -j DNAT --to-destination 172.17.0.4:8080
-A KUBE-SERVICES -d 10.96.0.20/32 -m comment --comment "default/mysql cluster IP" -p tcp -m tcp --dport 3306 -j KUBE-SVC-R2CEXK5KF4QS4EYR
-A KUBE-SERVICES -d 10.96.0.30/32 -m comment --comment "default/myweb:http cluster IP" -p tcp -m tcp --dport 8080 -j KUBE-SVC-LX4K6KW5EEU5TUCO
-A KUBE-SERVICES -d 127.0.0.1/32 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -j KUBE-NODEPORTS
-A KUBE-SERVICES -d 192.168.1.10/32 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -j KUBE-NODEPORTS
-A KUBE-NODEPORTS -m comment --comment "default/myweb:http" -p tcp -m tcp --dport 30001 -j KUBE-MARK-MASQ
-A KUBE-NODEPORTS -m comment --comment "default/myweb:http" -p tcp -m tcp --dport 30001 -j KUBE-SVC-LX4K6KW5EEU5TUCO
-X KUBE-SVC-GONEGONEGONEGONE
COMMIT
`;

describe('renderRules', () => {
  it('renders the walkthrough services (ClusterIP, NodePort with affinity, no endpoints) as iptables-restore input', () => {
    const text = renderRules(walkthroughPorts, { nodePortAddresses: ['127.0.0.1', '192.168.1.10', '127.0.0.1'] }, {
      nat: ['DOCKER', 'KUBE-SERVICES', 'KUBE-SVC-GONEGONEGONEGONE', 'KUBE-SVC-R2CEXK5KF4QS4EYR'],
      filter: ['DOCKER-USER'],
    });
    expect(text).toBe(GOLDEN);
  });

  it('with no services still writes the fixed chains and node-port jumps, and nothing that forwards', () => {
    const text = renderRules([], { nodePortAddresses: ['127.0.0.1'] }, { nat: [], filter: [] });
    expect(text).not.toContain('-j DNAT');
    expect(text).toContain('-A KUBE-SERVICES -d 127.0.0.1/32');
    expect(text.match(/^COMMIT$/gm)).toHaveLength(2);
  });

  it('drops packets from elsewhere addressed to 127.0.0.0/8 that route_localnet would let in, unless DNATed (CVE-2020-8558)', () => {
    const filter = renderRules([], { nodePortAddresses: ['127.0.0.1'] }, { nat: [], filter: [] }).split('*nat')[0]!;
    expect(filter).toContain(':KUBE-FIREWALL - [0:0]\n');
    expect(filter).toContain(
      '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n',
    );
  });

  it('spreads n endpoints evenly: 1/n, 1/(n-1), ..., then the last unconditionally', () => {
    const endpoints = [1, 2, 3, 4].map((i) => ({ ip: `172.17.0.${i}`, port: 80 }));
    const text = renderRules([port({ endpoints })], { nodePortAddresses: [] }, { nat: [], filter: [] });
    const probabilities = [...text.matchAll(/--probability (\S+)/g)].map((m) => m[1]);
    expect(probabilities).toEqual(['0.2500000000', '0.3333333333', '0.5000000000']);
    expect(probability(1)).toBe('1.0000000000');
  });

  it('renders SCTP with its own match module', () => {
    const text = renderRules([port({ protocol: 'SCTP', endpoints: [{ ip: '172.17.0.9', port: 9 }] })], { nodePortAddresses: [] }, { nat: [], filter: [] });
    expect(text).toContain('-p sctp -m sctp --dport 80');
  });
});

describe('renderCleanup', () => {
  it('flushes and deletes only our chains that exist', () => {
    const text = renderCleanup({ nat: ['DOCKER', 'KUBE-SERVICES', 'KUBE-SVC-X', 'KUBE-SEP-Y'], filter: ['DOCKER-USER', 'KUBE-FORWARD'] });
    expect(text).toBe(
      ['*filter', ':KUBE-FORWARD - [0:0]', '-X KUBE-FORWARD', 'COMMIT', '*nat', ':KUBE-SERVICES - [0:0]', ':KUBE-SEP-Y - [0:0]', ':KUBE-SVC-X - [0:0]', '-X KUBE-SERVICES', '-X KUBE-SEP-Y', '-X KUBE-SVC-X', 'COMMIT', ''].join('\n'),
    );
  });
});
