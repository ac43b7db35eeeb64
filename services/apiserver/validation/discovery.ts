import { isIPv4, isIPv6 } from 'node:net';
import type { Endpoint, EndpointSlice, EndpointSlicePort } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../lib/validation/names.js';
import { validateProtocol } from './containers.js';
import { invalidEach, nameIsDNSSubdomain, validateDNS1123Label, validateImmutableField } from './helpers.js';
import { validateNonSpecialIP } from './ip.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// discovery.k8s.io EndpointSlices (ValidateEndpointSlice, ValidateEndpointSliceUpdate).

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'] as const;
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;

/** apimachinery's IsFullyQualifiedDomainName: a DNS subdomain of at least two labels, a trailing dot allowed. */
function validateFQDN(path: FieldPath, value: string): FieldError[] {
  if (!value) return [field.required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const subdomainErrs = invalidEach(path, name, isDNS1123Subdomain(name));
  if (subdomainErrs.length > 0) return subdomainErrs;
  const labels = name.split('.');
  if (labels.length < 2) return [field.invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const labelErrs = invalidEach(path, label, isDNS1123Label(label));
    if (labelErrs.length > 0) return labelErrs;
  }
  return [];
}

/** An address of the slice's type; unknown types are reported once, on addressType. */
function validateAddress(path: FieldPath, address: string, addressType: string): FieldError[] {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? validateNonSpecialIP(path, address) : [field.invalid(path, address, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIPv6(address) ? validateNonSpecialIP(path, address) : [field.invalid(path, address, 'must be a valid IPv6 address')];
    case 'FQDN':
      return validateFQDN(path, address);
    default:
      return [];
  }
}

function validateEndpoint(endpoint: Endpoint, addressType: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const addressesPath = path.child('addresses');
  const addresses = endpoint.addresses ?? [];
  if (addresses.length === 0) errs.push(field.required(addressesPath, 'must contain at least 1 address'));
  else if (addresses.length > MAX_ADDRESSES) errs.push(field.tooMany(addressesPath, addresses.length, MAX_ADDRESSES));
  addresses.forEach((address, i) => errs.push(...validateAddress(addressesPath.index(i), address, addressType)));
  if (endpoint.nodeName !== undefined) {
    errs.push(...invalidEach(path.child('nodeName'), endpoint.nodeName, nameIsDNSSubdomain(endpoint.nodeName, false)));
  }
  if (endpoint.hostname !== undefined) errs.push(...validateDNS1123Label(endpoint.hostname, path.child('hostname')));
  return errs;
}

function validateEndpoints(endpoints: Endpoint[], addressType: string): FieldError[] {
  const path = field.root('endpoints');
  if (endpoints.length > MAX_ENDPOINTS) return [field.tooMany(path, endpoints.length, MAX_ENDPOINTS)];
  return endpoints.flatMap((endpoint, i) => validateEndpoint(endpoint, addressType, path.index(i)));
}

function validatePorts(ports: EndpointSlicePort[]): FieldError[] {
  const path = field.root('ports');
  if (ports.length > MAX_PORTS) return [field.tooMany(path, ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const portPath = path.index(i);
    const name = port.name ?? '';
    if (name) errs.push(...validateDNS1123Label(name, portPath.child('name')));
    if (names.has(name)) errs.push(field.duplicate(portPath.child('name'), name));
    names.add(name);
    errs.push(...validateProtocol(port.protocol, portPath.child('protocol')));
    if (port.appProtocol !== undefined) errs.push(...invalidEach(portPath.child('appProtocol'), port.appProtocol, isQualifiedName(port.appProtocol)));
  });
  return errs;
}

function validateAddressType(addressType: string): FieldError[] {
  const path = field.root('addressType');
  if (!addressType) return [field.required(path)];
  return (ADDRESS_TYPES as readonly string[]).includes(addressType) ? [] : [field.notSupported(path, addressType, ADDRESS_TYPES)];
}

export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const addressType = slice.addressType ?? '';
  return [
    ...validateObjectMeta(slice.metadata, true, nameIsDNSSubdomain),
    ...validateEndpoints(slice.endpoints ?? [], addressType),
    ...validatePorts(slice.ports ?? []),
    ...validateAddressType(addressType),
  ];
}

/** What an update may not change; the registry validates the new slice as on create too. */
export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  return [
    ...validateObjectMetaUpdate(slice.metadata, old.metadata),
    ...validateImmutableField(slice.addressType ?? '', old.addressType ?? '', field.root('addressType')),
  ];
}
