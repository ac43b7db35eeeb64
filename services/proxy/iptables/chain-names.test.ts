import { describe, expect, it } from 'vitest';
import { endpointChainName, serviceChainName } from './chain-names.js';

describe('chain names', () => {
  it('match kube-proxy for the same service port', () => {
    // The names kube-proxy gives these ports in every cluster (seen in any iptables-save).
    expect(serviceChainName({ namespace: 'default', name: 'kubernetes', portName: 'https', protocol: 'TCP' })).toBe('KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(serviceChainName({ namespace: 'kube-system', name: 'kube-dns', portName: 'dns', protocol: 'UDP' })).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect(serviceChainName({ namespace: 'kube-system', name: 'kube-dns', portName: 'dns-tcp', protocol: 'TCP' })).toBe('KUBE-SVC-ERIFXISQEP7F7OF4');
  });

  it('differ per endpoint and fit the 28-character limit', () => {
    const sp = { namespace: 'a-very-long-namespace-name', name: 'a-very-long-service-name', portName: 'http', protocol: 'TCP' as const };
    const a = endpointChainName(sp, { ip: '172.17.0.2', port: 8080 });
    const b = endpointChainName(sp, { ip: '172.17.0.3', port: 8080 });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(serviceChainName(sp).length).toBeLessThanOrEqual(28);
  });
});
