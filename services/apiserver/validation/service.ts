import type { Endpoints, Service, ServicePort, ServiceSpec } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { inclusiveRangeError, isDNS1123Subdomain, isValidPortNum } from '../../../lib/validation/names.js';
import { externallyAccessible } from '../defaults/service.js';
import { validatePortNumOrName, validateProtocol } from './containers.js';
import { invalidEach, nameIsDNS1035Label, nameIsDNSSubdomain, validateDNS1123Label } from './helpers.js';
import { isIPv6Address, validateIP, validateNonSpecialIP } from './ip.js';
import { validateLabels } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// Services and Endpoints (ValidateService, ValidateServiceUpdate, ValidateEndpoints in
// pkg/apis/core/validation). NodePort ranges are the allocator's business; here a node port
// only has to be a port number.

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const CLUSTER_IP_NONE = 'None';

function isHeadless(spec: ServiceSpec): boolean {
  return spec.clusterIPs?.length === 1 && spec.clusterIPs[0] === CLUSTER_IP_NONE;
}

function validateServicePort(port: ServicePort, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !port.name) {
    errs.push(field.required(path.child('name')));
  } else if (port.name) {
    errs.push(...validateDNS1123Label(port.name, path.child('name')));
    if (names.has(port.name)) errs.push(field.duplicate(path.child('name'), port.name));
    else names.add(port.name);
  }
  errs.push(...invalidEach(path.child('port'), port.port ?? 0, isValidPortNum(port.port ?? 0)));
  errs.push(...validateProtocol(port.protocol, path.child('protocol')));
  errs.push(...validatePortNumOrName(port.targetPort, path.child('targetPort')));
  const nodePort = port.nodePort ?? 0;
  if (nodePort < 0 || nodePort > 65535) errs.push(field.invalid(path.child('nodePort'), nodePort, inclusiveRangeError(0, 65535)));
  return errs;
}

/** clusterIP, clusterIPs, ipFamilies and ipFamilyPolicy must tell one consistent story. */
function validateClusterIPsRelatedFields(spec: ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const specPath = field.root('spec');
  const clusterIPsPath = specPath.child('clusterIPs');
  const ipFamiliesPath = specPath.child('ipFamilies');
  const clusterIPs = spec.clusterIPs ?? [];
  const ipFamilies = spec.ipFamilies ?? [];
  const errs: FieldError[] = [];
  if (spec.clusterIP) {
    if (clusterIPs.length === 0) errs.push(field.required(clusterIPsPath));
    else if (clusterIPs[0] !== spec.clusterIP) errs.push(field.invalid(clusterIPsPath, clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length > 0) {
    errs.push(field.invalid(clusterIPsPath, clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const seenFamilies = new Set<string>();
  ipFamilies.forEach((family, i) => {
    if (!IP_FAMILIES.includes(family)) errs.push(field.notSupported(ipFamiliesPath.index(i), family, IP_FAMILIES));
    if (seenFamilies.has(family)) errs.push(field.duplicate(ipFamiliesPath.index(i), family));
    seenFamilies.add(family);
  });
  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(field.notSupported(specPath.child('ipFamilyPolicy'), spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let invalidIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === CLUSTER_IP_NONE) {
      if (clusterIPs.length > 1) {
        invalidIPs = true;
        errs.push(field.invalid(clusterIPsPath, clusterIPs, "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = validateIP(clusterIPsPath.index(i), ip);
    if (ipErrs.length > 0) invalidIPs = true;
    errs.push(...ipErrs);
  });
  if (clusterIPs.length > 2) errs.push(field.invalid(clusterIPsPath, clusterIPs, 'may only hold up to 2 values'));
  // Bad or misplaced IPs would only make the family checks below confusing.
  if (invalidIPs) return errs;
  if (clusterIPs.length > 1 && new Set(clusterIPs.map(isIPv6Address)).size !== clusterIPs.length) {
    errs.push(field.invalid(clusterIPsPath, clusterIPs, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    clusterIPs.forEach((ip, i) => {
      const family = ipFamilies[i];
      if (family === 'IPv4' && isIPv6Address(ip)) {
        errs.push(field.invalid(clusterIPsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (family === 'IPv6' && !isIPv6Address(ip)) {
        errs.push(field.invalid(clusterIPsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

function validateServiceSpec(spec: ServiceSpec): FieldError[] {
  const specPath = field.root('spec');
  const ports = spec.ports ?? [];
  const errs: FieldError[] = [];
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(field.required(specPath.child('ports')));
  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (isHeadless(spec)) {
        errs.push(field.invalid(specPath.child('clusterIPs').index(0), CLUSTER_IP_NONE, `may not be set to 'None' for ${spec.type} services`));
      }
      break;
    case 'ExternalName': {
      if ((spec.clusterIPs?.length ?? 0) > 0) errs.push(field.forbidden(specPath.child('clusterIPs'), 'may not be set for ExternalName services'));
      if ((spec.ipFamilies?.length ?? 0) > 0) errs.push(field.forbidden(specPath.child('ipFamilies'), 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined) {
        errs.push(field.forbidden(specPath.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
      }
      // A CNAME may end in a dot to mark it fully qualified.
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...invalidEach(specPath.child('externalName'), cname, isDNS1123Subdomain(cname)));
      else errs.push(field.required(specPath.child('externalName')));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((port, i) => errs.push(...validateServicePort(port, ports.length > 1, names, specPath.child('ports').index(i))));
  errs.push(...validateLabels(spec.selector, specPath.child('selector')));
  if (!spec.sessionAffinity) errs.push(field.required(specPath.child('sessionAffinity')));
  else if (!SESSION_AFFINITIES.includes(spec.sessionAffinity)) {
    errs.push(field.notSupported(specPath.child('sessionAffinity'), spec.sessionAffinity, SESSION_AFFINITIES));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const ipPath = specPath.child('externalIPs').index(i);
    const ipErrs = validateIP(ipPath, ip);
    errs.push(...(ipErrs.length > 0 ? ipErrs : validateNonSpecialIP(ipPath, ip)));
  });
  if (!spec.type) errs.push(field.required(specPath.child('type')));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(field.notSupported(specPath.child('type'), spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((port, i) => {
      if (port.nodePort) errs.push(field.forbidden(specPath.child('ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const servicePorts = new Set<string>();
  ports.forEach((port, i) => {
    const portPath = specPath.child('ports').index(i);
    if (port.nodePort) {
      const key = `${port.protocol ?? ''}/${port.nodePort}`;
      if (nodePorts.has(key)) errs.push(field.duplicate(portPath.child('nodePort'), port.nodePort));
      nodePorts.add(key);
    }
    const key = `${port.protocol ?? ''}/${port.port ?? 0}`;
    if (servicePorts.has(key)) errs.push(field.duplicate(portPath, { protocol: port.protocol ?? '', port: port.port ?? 0 }));
    servicePorts.add(key);
  });
  const trafficPolicyPath = specPath.child('externalTrafficPolicy');
  const externalPolicy = spec.externalTrafficPolicy ?? '';
  if (!externallyAccessible(spec)) {
    if (externalPolicy) errs.push(field.invalid(trafficPolicyPath, externalPolicy, 'may only be set for externally-accessible services'));
  } else if (!externalPolicy) {
    errs.push(field.required(trafficPolicyPath));
  } else if (!TRAFFIC_POLICIES.includes(externalPolicy)) {
    errs.push(field.notSupported(trafficPolicyPath, externalPolicy, TRAFFIC_POLICIES));
  }
  const internalPath = specPath.child('internalTrafficPolicy');
  if (spec.internalTrafficPolicy === undefined) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') errs.push(field.required(internalPath));
  } else if (!TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) {
    errs.push(field.notSupported(internalPath, spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  return errs;
}

export function validateService(service: Service): FieldError[] {
  return [...validateObjectMeta(service.metadata, true, nameIsDNS1035Label), ...validateServiceSpec(service.spec ?? {})];
}

/** Allocated cluster IPs and IP families are fixed once set (except when switching to/from ExternalName). */
function validateClusterIPsUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIPs = spec.clusterIPs ?? [];
  const oldIPs = old.clusterIPs ?? [];
  const path = field.root('spec', 'clusterIPs');
  if (!(isHeadless(spec) && isHeadless(old))) {
    if (oldIPs.length === clusterIPs.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== clusterIPs[i]) errs.push(field.invalid(path.index(i), clusterIPs, 'may not change once set'));
      });
    } else if (oldIPs.length > clusterIPs.length) {
      if (clusterIPs.length === 0) errs.push(field.invalid(path.index(0), clusterIPs, 'primary clusterIP can not be unset'));
      if (oldIPs.length > 0 && clusterIPs.length > 0 && clusterIPs[0] !== oldIPs[0]) {
        errs.push(field.invalid(path.index(0), clusterIPs, 'may not change once set'));
      }
      if (clusterIPs.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        errs.push(
          field.invalid(field.root('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"),
        );
      }
    } else if (oldIPs.length > 0 && clusterIPs[0] !== oldIPs[0]) {
      errs.push(field.invalid(path.index(0), clusterIPs, 'may not change once set'));
    }
  }
  if (isHeadless(spec) !== isHeadless(old) || isHeadless(spec)) return errs;
  const families = spec.ipFamilies ?? [];
  const oldFamilies = old.ipFamilies ?? [];
  const familiesPath = field.root('spec', 'ipFamilies').index(0);
  if (oldFamilies.length === families.length) {
    oldFamilies.forEach((family, i) => {
      if (family !== families[i]) errs.push(field.invalid(familiesPath, families, 'may not change once set'));
    });
  } else if (oldFamilies.length > families.length) {
    if (clusterIPs.length === 0) errs.push(field.invalid(familiesPath, families, 'primary ipFamily can not be unset'));
    if (families.length > 0 && families[0] !== oldFamilies[0]) errs.push(field.invalid(familiesPath, clusterIPs, 'may not change once set'));
    if (families.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        field.invalid(field.root('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"),
      );
    }
  } else if (oldFamilies.length > 0 && families.length > 0 && families[0] !== oldFamilies[0]) {
    errs.push(field.invalid(familiesPath, clusterIPs, 'may not change once set'));
  }
  return errs;
}

export function validateServiceUpdate(service: Service, old: Service): FieldError[] {
  return [
    ...validateObjectMetaUpdate(service.metadata, old.metadata),
    ...validateClusterIPsUpdate(service.spec ?? {}, old.spec ?? {}),
    ...validateService(service),
  ];
}

export function validateServiceStatusUpdate(service: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(service.metadata, old.metadata);
  const ingressPath = field.root('status', 'loadBalancer', 'ingress');
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  if (service.spec?.type !== 'LoadBalancer' && ingress.length > 0) {
    errs.push(field.forbidden(ingressPath, "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  ingress.forEach((entry, i) => {
    if (entry.ip) errs.push(...validateIP(ingressPath.index(i).child('ip'), entry.ip));
    if (entry.hostname) {
      const hostnamePath = ingressPath.index(i).child('hostname');
      errs.push(...invalidEach(hostnamePath, entry.hostname, isDNS1123Subdomain(entry.hostname)));
      if (validateIP(hostnamePath, entry.hostname).length === 0) {
        errs.push(field.invalid(hostnamePath, entry.hostname, 'must be a DNS name, not an IP address'));
      }
    }
  });
  return errs;
}

export function validateEndpoints(endpoints: Endpoints): FieldError[] {
  const errs = validateObjectMeta(endpoints.metadata, true, nameIsDNSSubdomain);
  const subsetsPath = field.root('subsets');
  (endpoints.subsets ?? []).forEach((subset, i) => {
    const subsetPath = subsetsPath.index(i);
    const addresses = subset.addresses ?? [];
    const notReady = subset.notReadyAddresses ?? [];
    if (addresses.length === 0 && notReady.length === 0) {
      errs.push(field.required(subsetPath, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const [key, list] of [['addresses', addresses], ['notReadyAddresses', notReady]] as const) {
      list.forEach((address, j) => {
        const addressPath = subsetPath.child(key).index(j);
        errs.push(...validateIP(addressPath.child('ip'), address.ip ?? ''));
        if (address.hostname) errs.push(...validateDNS1123Label(address.hostname, addressPath.child('hostname')));
        if (address.nodeName !== undefined) {
          errs.push(...invalidEach(addressPath.child('nodeName'), address.nodeName, nameIsDNSSubdomain(address.nodeName, false)));
        }
        if (validateIP(addressPath.child('ip'), address.ip ?? '').length === 0) {
          errs.push(...validateNonSpecialIP(addressPath.child('ip'), address.ip ?? ''));
        }
      });
    }
    const ports = subset.ports ?? [];
    ports.forEach((port, j) => {
      const portPath = subsetPath.child('ports').index(j);
      if (ports.length > 1 && !port.name) errs.push(field.required(portPath.child('name')));
      else if (port.name) errs.push(...validateDNS1123Label(port.name, portPath.child('name')));
      errs.push(...invalidEach(portPath.child('port'), port.port ?? 0, isValidPortNum(port.port ?? 0)));
      errs.push(...validateProtocol(port.protocol, portPath.child('protocol')));
    });
  });
  return errs;
}

export function validateEndpointsUpdate(endpoints: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(endpoints.metadata, old.metadata), ...validateEndpoints(endpoints)];
}
