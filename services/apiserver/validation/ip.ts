import { isIP, isIPv6 } from 'node:net';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';

// Kubernetes' IsValidIPForLegacyField with strict validation, used for clusterIPs, endpoint and
// pod IPs: Go's lenient parser's shapes are accepted except the ambiguous ones.

const IPV4_WITH_LEADING_ZEROS = /^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$/;
const IPV4_MAPPED_IPV6 = /^::ffff:(?:[0-9]{1,3}\.){3}[0-9]{1,3}$/i;

function isSloppyIPv4(value: string): boolean {
  return IPV4_WITH_LEADING_ZEROS.test(value) && value.split('.').every((octet) => Number(octet) <= 255);
}

export function validateIP(path: FieldPath, value: string): FieldError[] {
  if (isIP(value) === 0) {
    if (isSloppyIPv4(value)) return [field.invalid(path, value, 'must not have leading 0s')];
    return [field.invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
  }
  if (isIPv6(value) && IPV4_MAPPED_IPV6.test(value)) {
    return [field.invalid(path, value, 'must not be an IPv4-mapped IPv6 address')];
  }
  return [];
}

/** Kubernetes' IsValidCIDR: an address and a prefix length its family allows (`10.244.1.0/24`). */
export function validateCIDR(path: FieldPath, value: string): FieldError[] {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  const maxPrefix = family === 6 ? 128 : 32;
  const valid = family !== 0 && rest.length === 0 && prefix !== undefined && /^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix;
  return valid ? [] : [field.invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

export function isIPv6Address(value: string): boolean {
  return isIPv6(value);
}

function ipv4Octets(value: string): number[] | undefined {
  return /^(?:\d{1,3}\.){3}\d{1,3}$/.test(value) ? value.split('.').map(Number) : undefined;
}

/**
 * Kubernetes' ValidateNonSpecialIP for endpoint and external IPs: unspecified, loopback and
 * link-local addresses make no sense there.
 */
export function validateNonSpecialIP(path: FieldPath, value: string): FieldError[] {
  if (isIP(value) === 0) return [field.invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const octets = ipv4Octets(value);
  const lower = value.toLowerCase();
  const unspecified = octets ? octets.every((o) => o === 0) : /^[0:]+$/.test(lower);
  const loopback = octets ? octets[0] === 127 : /^[0:]+1$/.test(lower);
  const linkLocal = octets ? octets[0] === 169 && octets[1] === 254 : /^fe[89ab][0-9a-f]?:/.test(lower);
  const linkLocalMulticast = octets ? octets[0] === 224 && octets[1] === 0 && octets[2] === 0 : /^ff02:/.test(lower);
  if (unspecified) errs.push(field.invalid(path, value, `may not be unspecified (${value})`));
  if (loopback) errs.push(field.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal) errs.push(field.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) errs.push(field.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}
