import { createHash } from 'node:crypto';
import { servicePortName, type Endpoint, type Protocol, type ServicePortInfo } from '../service-ports.js';

/** Chains in the nat table. */
export const NAT_SERVICES = 'KUBE-SERVICES';
export const NAT_NODEPORTS = 'KUBE-NODEPORTS';
export const NAT_POSTROUTING = 'KUBE-POSTROUTING';
export const NAT_MARK_MASQ = 'KUBE-MARK-MASQ';

/** Chains in the filter table. */
export const FILTER_SERVICES = 'KUBE-SERVICES';
export const FILTER_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const FILTER_FORWARD = 'KUBE-FORWARD';
export const FILTER_FIREWALL = 'KUBE-FIREWALL';

const SERVICE_CHAIN_PREFIX = 'KUBE-SVC-';
const ENDPOINT_CHAIN_PREFIX = 'KUBE-SEP-';

/** The fixed chains we own per table; per-service chains are recognised by their prefixes. */
export const OWN_NAT_CHAINS = [NAT_SERVICES, NAT_NODEPORTS, NAT_POSTROUTING, NAT_MARK_MASQ] as const;
export const OWN_FILTER_CHAINS = [FILTER_SERVICES, FILTER_EXTERNAL_SERVICES, FILTER_FORWARD, FILTER_FIREWALL] as const;

export function isPerServiceChain(chain: string): boolean {
  return chain.startsWith(SERVICE_CHAIN_PREFIX) || chain.startsWith(ENDPOINT_CHAIN_PREFIX);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (only a prefix of it is ever used). */
function base32(bytes: Buffer): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

// Chain names are at most 28 characters; kube-proxy names per-service chains by a hash so that
// any service name fits, and so do we, with the same inputs: the same service gets the same
// chain name as under kube-proxy, which keeps `iptables-save` familiar.
export function hashed(prefix: string, input: string): string {
  return prefix + base32(createHash('sha256').update(input).digest()).slice(0, 16);
}

function protocolKey(protocol: Protocol): string {
  return protocol.toLowerCase();
}

export function serviceChainName(sp: Pick<ServicePortInfo, 'namespace' | 'name' | 'portName' | 'protocol'>): string {
  return hashed(SERVICE_CHAIN_PREFIX, servicePortName(sp) + protocolKey(sp.protocol));
}

export function endpointChainName(sp: Pick<ServicePortInfo, 'namespace' | 'name' | 'portName' | 'protocol'>, endpoint: Endpoint): string {
  return hashed(ENDPOINT_CHAIN_PREFIX, servicePortName(sp) + protocolKey(sp.protocol) + `${endpoint.ip}:${endpoint.port}`);
}
