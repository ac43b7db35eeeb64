import { BlockList, isIP } from 'node:net';
import type {
  HTTPIngressPath,
  Ingress,
  IngressBackend,
  IngressClass,
  IngressClassParametersReference,
  IngressLoadBalancerIngress,
  IngressRule,
  IngressTLS,
  IPBlock,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../../../lib/validation/names.js';
import { invalidEach, nameIsDNSSubdomain, validateImmutableField } from './helpers.js';
import { validateCIDR } from './ip.js';
import { validateLabelSelector } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// networking.k8s.io Ingresses, IngressClasses and NetworkPolicies, with Kubernetes' rules and messages.

export const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'] as const;
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const PARAMETERS_SCOPES = ['Cluster', 'Namespace'];
const MAX_CONTROLLER_LENGTH = 250;

const WILDCARD_DNS1123_SUBDOMAIN = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apimachinery's IsWildcardDNS1123Subdomain: `*.` and a DNS subdomain. */
function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!WILDCARD_DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errs;
}

/** A rule's or TLS entry's host: a DNS name, possibly with a leading `*.`, never an IP address. */
function validateHost(host: string, path: FieldPath): FieldError[] {
  if (isIP(host)) return [field.invalid(path, host, 'must be a DNS name, not an IP address')];
  if (host.includes('*')) return invalidEach(path, host, isWildcardDNS1123Subdomain(host));
  return invalidEach(path, host, isDNS1123Subdomain(host));
}

function validateBackend(backend: IngressBackend | undefined, path: FieldPath): FieldError[] {
  const service = backend?.service;
  const resource = backend?.resource;
  if (service && resource) return [field.invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) {
    const errs: FieldError[] = [];
    const resourcePath = path.child('resource');
    if (resource.apiGroup) errs.push(...invalidEach(resourcePath.child('apiGroup'), resource.apiGroup, isDNS1123Subdomain(resource.apiGroup)));
    if (!resource.kind) errs.push(field.required(resourcePath.child('kind')));
    if (!resource.name) errs.push(field.required(resourcePath.child('name')));
    return errs;
  }
  if (!service) return [field.required(path, 'resource or service backend is required')];
  const errs = invalidEach(path.child('service', 'name'), service.name ?? '', isDNS1035Label(service.name ?? ''));
  const portName = service.port?.name ?? '';
  const portNumber = service.port?.number ?? 0;
  if (portName && portNumber) errs.push(field.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...invalidEach(path.child('service', 'port', 'name'), portName, isValidPortName(portName)));
  else if (portNumber) errs.push(...invalidEach(path.child('service', 'port', 'number'), portNumber, isValidPortNum(portNumber)));
  else errs.push(field.required(path, 'port name or number is required'));
  return errs;
}

function validatePathText(value: string, path: FieldPath): FieldError[] {
  if (!value.startsWith('/')) return [field.invalid(path, value, 'must be an absolute path')];
  const errs: FieldError[] = [];
  for (const sequence of INVALID_PATH_SEQUENCES) {
    if (value.includes(sequence)) errs.push(field.invalid(path, value, `must not contain '${sequence}'`));
  }
  for (const suffix of INVALID_PATH_SUFFIXES) {
    if (value.endsWith(suffix)) errs.push(field.invalid(path, value, `cannot end with '${suffix}'`));
  }
  return errs;
}

function validateHTTPPath(httpPath: HTTPIngressPath, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const value = httpPath.path ?? '';
  const pathType = httpPath.pathType;
  if (pathType === undefined) errs.push(field.required(path.child('pathType'), 'pathType must be specified'));
  else if (pathType === 'Exact' || pathType === 'Prefix') errs.push(...validatePathText(value, path.child('path')));
  else if (pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/')) errs.push(field.invalid(path.child('path'), value, 'must be an absolute path'));
  } else errs.push(field.notSupported(path.child('pathType'), pathType, PATH_TYPES));
  errs.push(...validateBackend(httpPath.backend, path.child('backend')));
  return errs;
}

function validateRule(rule: IngressRule, path: FieldPath): FieldError[] {
  const errs = rule.host ? validateHost(rule.host, path.child('host')) : [];
  if (rule.http) {
    const pathsPath = path.child('http', 'paths');
    const paths = rule.http.paths ?? [];
    if (paths.length === 0) errs.push(field.required(pathsPath));
    paths.forEach((httpPath, i) => errs.push(...validateHTTPPath(httpPath, pathsPath.index(i))));
  }
  return errs;
}

function validateTLS(tls: IngressTLS[], path: FieldPath): FieldError[] {
  return tls.flatMap((entry, i) =>
    (entry.hosts ?? []).flatMap((host, j) => (host.includes('*') ? validateHost(host, path.index(i).child('hosts').index(j)) : [])),
  );
}

function validateIngressSpec(ingress: Ingress): FieldError[] {
  const path = field.root('spec');
  const spec = ingress.spec ?? {};
  const rules = spec.rules ?? [];
  const errs: FieldError[] = [];
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, path.child('defaultBackend')));
  else if (rules.length === 0) errs.push(field.invalid(path, rules, 'either `defaultBackend` or `rules` must be specified'));
  rules.forEach((rule, i) => errs.push(...validateRule(rule, path.child('rules').index(i))));
  errs.push(...validateTLS(spec.tls ?? [], path.child('tls')));
  if (spec.ingressClassName !== undefined) {
    errs.push(...invalidEach(path.child('ingressClassName'), spec.ingressClassName, nameIsDNSSubdomain(spec.ingressClassName, false)));
  }
  return errs;
}

export function validateIngress(ingress: Ingress): FieldError[] {
  return [...validateObjectMeta(ingress.metadata, true, nameIsDNSSubdomain), ...validateIngressSpec(ingress)];
}

export function validateIngressUpdate(ingress: Ingress, old: Ingress): FieldError[] {
  return [...validateObjectMetaUpdate(ingress.metadata, old.metadata), ...validateIngressSpec(ingress)];
}

function validateLoadBalancerIngress(entry: IngressLoadBalancerIngress, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (entry.ip && !isIP(entry.ip)) errs.push(field.invalid(path.child('ip'), entry.ip, 'must be a valid IP address'));
  if (entry.hostname) {
    errs.push(...invalidEach(path.child('hostname'), entry.hostname, isDNS1123Subdomain(entry.hostname)));
    if (isIP(entry.hostname)) errs.push(field.invalid(path.child('hostname'), entry.hostname, 'must be a DNS name, not an IP address'));
  }
  return errs;
}

export function validateIngressStatusUpdate(ingress: Ingress, old: Ingress): FieldError[] {
  const path = field.root('status', 'loadBalancer', 'ingress');
  return [
    ...validateObjectMetaUpdate(ingress.metadata, old.metadata),
    ...(ingress.status?.loadBalancer?.ingress ?? []).flatMap((entry, i) => validateLoadBalancerIngress(entry, path.index(i))),
  ];
}

const DOMAIN_PREFIXED_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** apimachinery's IsDomainPrefixedPath: `example.com/anything`. */
function validateController(controller: string, path: FieldPath): FieldError[] {
  if (!controller) return [field.required(path)];
  const errs: FieldError[] = [];
  const slash = controller.indexOf('/');
  if (slash < 1) errs.push(field.invalid(path, controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
  else {
    const host = controller.slice(0, slash);
    errs.push(...invalidEach(path, host, isDNS1123Subdomain(host)));
    if (!DOMAIN_PREFIXED_PATH.test(controller.slice(slash))) {
      errs.push(field.invalid(path, controller, 'segment of a path must consist of alphanumeric characters, -, _, . , /, ~, %, !, $, &, \', (, ), *, +, ,, ;, =, :'));
    }
  }
  if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(field.tooLong(path, MAX_CONTROLLER_LENGTH));
  return errs;
}

function validateParameters(parameters: IngressClassParametersReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (parameters.apiGroup) errs.push(...invalidEach(path.child('apiGroup'), parameters.apiGroup, isDNS1123Subdomain(parameters.apiGroup)));
  if (!parameters.kind) errs.push(field.required(path.child('kind')));
  if (!parameters.name) errs.push(field.required(path.child('name')));
  const scope = parameters.scope;
  if (scope === undefined) errs.push(field.required(path.child('scope'), ''));
  else if (!PARAMETERS_SCOPES.includes(scope)) errs.push(field.notSupported(path.child('scope'), scope, PARAMETERS_SCOPES));
  if (scope === 'Namespace' && !parameters.namespace) {
    errs.push(field.required(path.child('namespace'), '`parameters.scope` is set to "Namespace"'));
  }
  if (scope === 'Cluster' && parameters.namespace !== undefined) {
    errs.push(field.forbidden(path.child('namespace'), '`parameters.scope` is set to "Cluster"'));
  }
  return errs;
}

function validateIngressClassSpec(ingressClass: IngressClass): FieldError[] {
  const path = field.root('spec');
  const errs = validateController(ingressClass.spec?.controller ?? '', path.child('controller'));
  if (ingressClass.spec?.parameters) errs.push(...validateParameters(ingressClass.spec.parameters, path.child('parameters')));
  return errs;
}

export function validateIngressClass(ingressClass: IngressClass): FieldError[] {
  return [...validateObjectMeta(ingressClass.metadata, false, nameIsDNSSubdomain), ...validateIngressClassSpec(ingressClass)];
}

/** The controller is fixed: Ingresses of the class are already handled by it. */
export function validateIngressClassUpdate(ingressClass: IngressClass, old: IngressClass): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ingressClass.metadata, old.metadata),
    ...validateIngressClassSpec(ingressClass),
    ...validateImmutableField(ingressClass.spec?.controller, old.spec?.controller, field.root('spec', 'controller')),
  ];
}

const POLICY_TYPES = ['Ingress', 'Egress'];
const POLICY_PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

function validatePolicyPort(port: NetworkPolicyPort, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !POLICY_PROTOCOLS.includes(port.protocol)) errs.push(field.notSupported(path.child('protocol'), port.protocol, POLICY_PROTOCOLS));
  const value = port.port;
  if (value?.strVal !== undefined) errs.push(...invalidEach(path.child('port'), value.strVal, isValidPortName(value.strVal)));
  else if (value?.intVal !== undefined) errs.push(...invalidEach(path.child('port'), value.intVal, isValidPortNum(value.intVal)));
  if (port.endPort !== undefined) {
    const endPath = path.child('endPort');
    if (value === undefined) errs.push(field.forbidden(endPath, 'may not be specified when `port` is not specified'));
    else if (value.strVal !== undefined) errs.push(field.forbidden(endPath, 'may not be specified when `port` is non-numeric'));
    else if (port.endPort < (value.intVal ?? 0)) errs.push(field.invalid(endPath, port.endPort, 'must be greater than or equal to `port`'));
  }
  return errs;
}

/** Whether `inner` is a network strictly inside `outer` (both valid CIDRs of one family). */
function isStrictSubnet(inner: string, outer: string): boolean {
  const [innerAddress = '', innerBits] = inner.split('/');
  const [outerAddress = '', outerBits] = outer.split('/');
  const family = isIP(outerAddress) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(innerAddress) !== isIP(outerAddress) || Number(innerBits) <= Number(outerBits)) return false;
  const network = new BlockList();
  network.addSubnet(outerAddress, Number(outerBits), family);
  return network.check(innerAddress, family);
}

function validateIPBlock(block: IPBlock, path: FieldPath): FieldError[] {
  if (!block.cidr) return [field.required(path.child('cidr'))];
  const errs = validateCIDR(path.child('cidr'), block.cidr);
  if (errs.length > 0) return errs;
  (block.except ?? []).forEach((except, i) => {
    const exceptPath = path.child('except').index(i);
    const invalidCidr = validateCIDR(exceptPath, except);
    if (invalidCidr.length > 0) errs.push(...invalidCidr);
    else if (!isStrictSubnet(except, block.cidr ?? '')) errs.push(field.invalid(exceptPath, except, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let kinds = 0;
  if (peer.podSelector) {
    kinds++;
    errs.push(...validateLabelSelector(peer.podSelector, path.child('podSelector')));
  }
  if (peer.namespaceSelector) {
    kinds++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, path.child('namespaceSelector')));
  }
  if (peer.ipBlock) {
    kinds++;
    errs.push(...validateIPBlock(peer.ipBlock, path.child('ipBlock')));
  }
  if (kinds === 0) errs.push(field.required(path, 'must specify a peer'));
  else if (kinds > 1 && peer.ipBlock) errs.push(field.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateRules(rules: readonly (NetworkPolicyIngressRule | NetworkPolicyEgressRule)[], peersField: 'from' | 'to', path: FieldPath): FieldError[] {
  return rules.flatMap((rule, i) => {
    const rulePath = path.index(i);
    const peers = ('from' in rule ? rule.from : 'to' in rule ? rule.to : undefined) ?? [];
    return [
      ...(rule.ports ?? []).flatMap((port, j) => validatePolicyPort(port, rulePath.child('ports').index(j))),
      ...peers.flatMap((peer, j) => validatePeer(peer, rulePath.child(peersField).index(j))),
    ];
  });
}

function validateNetworkPolicySpec(policy: NetworkPolicy): FieldError[] {
  const path = field.root('spec');
  const spec = policy.spec ?? {};
  const errs = validateLabelSelector(spec.podSelector, path.child('podSelector'));
  errs.push(...validateRules(spec.ingress ?? [], 'from', path.child('ingress')));
  errs.push(...validateRules(spec.egress ?? [], 'to', path.child('egress')));
  const types = spec.policyTypes ?? [];
  types.forEach((type, i) => {
    if (!POLICY_TYPES.includes(type)) errs.push(field.notSupported(path.child('policyTypes').index(i), type, POLICY_TYPES));
  });
  if (types.length > POLICY_TYPES.length) errs.push(field.invalid(path.child('policyTypes'), types, 'may not specify more than two policyTypes'));
  return errs;
}

export function validateNetworkPolicy(policy: NetworkPolicy): FieldError[] {
  return [...validateObjectMeta(policy.metadata, true, nameIsDNSSubdomain), ...validateNetworkPolicySpec(policy)];
}

export function validateNetworkPolicyUpdate(policy: NetworkPolicy, old: NetworkPolicy): FieldError[] {
  return [...validateObjectMetaUpdate(policy.metadata, old.metadata), ...validateNetworkPolicySpec(policy)];
}
