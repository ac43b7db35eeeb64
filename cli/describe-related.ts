import type { CertificateSigningRequest, Deployment, Event, Ingress, Node, ReplicaSet, Service } from '../lib/api/generated/index.js';
import { SERVICE_NAME_LABEL } from '../lib/api/endpoint-slices.js';
import { isApiError } from '../lib/api/errors.js';
import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import type { ApiClient } from '../lib/client/client.js';
import { templatesEqual } from '../lib/deployment/pod-template.js';
import { escapeFieldValue } from '../lib/labels/field-selector.js';
import { ingressBackendServices, type BackendLookup, type CertificateRequestNames, type DescribeRelated } from './printers/describe/index.js';
import { podSelectorOf } from './pods.js';
import { deploymentReplicaSets } from './rollout/history.js';

// What `kubectl describe` reads besides the object: the events about it, and per kind the pods,
// endpoints, lease or replica sets its describer shows.

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

function involvedObjectSelector(kind: string, namespace: string, name: string, uid: string): string {
  const parts = [`involvedObject.kind=${kind}`, `involvedObject.name=${escapeFieldValue(name)}`];
  if (namespace) parts.push(`involvedObject.namespace=${escapeFieldValue(namespace)}`);
  if (uid) parts.push(`involvedObject.uid=${escapeFieldValue(uid)}`);
  return parts.join(',');
}

// X.520 attributes kubectl lists that have no short name in the certificate library.
const SERIAL_NUMBER_OID = '2.5.4.5';
const STREET_ADDRESS_OID = '2.5.4.9';
const POSTAL_CODE_OID = '2.5.4.17';

/** What a CSR's request names; the certificate library loads only for this kind. */
async function certificateRequestNames(csr: CertificateSigningRequest): Promise<CertificateRequestNames> {
  const { parseCsr } = await import('../lib/certs/csr.js');
  let parsed: ReturnType<typeof parseCsr>;
  try {
    parsed = parseCsr(Buffer.from(csr.spec?.request ?? []).toString('utf8'));
  } catch (err) {
    throw new Error(`Error parsing CSR: ${(err as Error).message}`);
  }
  const field = (name: string): string[] => parsed.request.subjectName.getField(name);
  return {
    commonName: parsed.commonName,
    serialNumber: field(SERIAL_NUMBER_OID)[0] ?? '',
    organizations: parsed.organizations,
    organizationalUnits: field('OU'),
    countries: field('C'),
    localities: field('L'),
    provinces: field('ST'),
    streetAddresses: field(STREET_ADDRESS_OID),
    postalCodes: field(POSTAL_CODE_OID),
    dnsNames: parsed.dnsNames,
    emailAddresses: parsed.emailAddresses,
    uris: parsed.uris,
    ipAddresses: parsed.ipAddresses,
  };
}

/**
 * Events whose involvedObject is this object, as kubectl's searchEvents finds them. Node events
 * carry either the node's uid (controllers) or its name (the kubelet), so nodes are searched twice.
 */
async function eventsFor(client: ApiClient, info: ResourceInfo, object: AnyObject): Promise<Event[]> {
  const meta = object.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const name = meta.name ?? '';
  const uids = info.field === 'node' ? [name, meta.uid ?? ''] : [meta.uid ?? ''];
  const seen = new Set<string>();
  const events: Event[] = [];
  for (const uid of [...new Set(uids)]) {
    const { items } = await client.resource('event').listAll(namespace, { fieldSelector: involvedObjectSelector(info.kind, namespace, name, uid) });
    for (const event of items) {
      const key = event.metadata?.uid || `${event.metadata?.namespace}/${event.metadata?.name}`;
      if (!seen.has(key)) events.push(event);
      seen.add(key);
    }
  }
  return events;
}

async function deploymentRelated(client: ApiClient, d: Deployment): Promise<Pick<DescribeRelated, 'newReplicaSet' | 'oldReplicaSets'>> {
  const sets = (await deploymentReplicaSets(client, d)).sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
  const newReplicaSet = sets.find((rs) => templatesEqual(rs.spec?.template, d.spec?.template));
  const oldReplicaSets: ReplicaSet[] = sets.filter((rs) => rs !== newReplicaSet && (rs.spec?.replicas ?? 1) !== 0);
  return newReplicaSet ? { newReplicaSet, oldReplicaSets } : { oldReplicaSets };
}

/** Each backend Service of an ingress with its EndpointSlices, or the error getting it (shown in its place). */
async function ingressBackends(client: ApiClient, ingress: Ingress): Promise<Map<string, BackendLookup>> {
  const namespace = ingress.metadata?.namespace ?? '';
  const backends = new Map<string, BackendLookup>();
  for (const name of ingressBackendServices(ingress)) {
    try {
      const service = await client.resource('service').get(namespace, name);
      const { items } = await client.resource('endpointSlice').listAll(namespace, { labelSelector: `${SERVICE_NAME_LABEL}=${name}` });
      backends.set(name, { service, slices: items });
    } catch (err) {
      if (!isApiError(err)) throw err;
      backends.set(name, { error: err.message });
    }
  }
  return backends;
}

/** Everything the describer of this kind shows besides the object. */
export async function describeRelated(client: ApiClient, info: ResourceInfo, object: AnyObject, showEvents: boolean, now: number): Promise<DescribeRelated> {
  const related: DescribeRelated = { now };
  if (showEvents) related.events = await eventsFor(client, info, object);
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  switch (info.field) {
    case 'node': {
      const { items } = await client.resource('pod').listAll('', {
        fieldSelector: `spec.nodeName=${escapeFieldValue(name)},status.phase!=Failed,status.phase!=Succeeded`,
      });
      related.pods = items;
      try {
        related.lease = await client.resource('lease').get(NODE_LEASE_NAMESPACE, (object as Node).metadata?.name ?? '');
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
        related.leaseError = err.message;
      }
      break;
    }
    case 'replicationController':
    case 'replicaSet':
    case 'daemonSet':
    case 'statefulSet': {
      const selector = podSelectorOf(info, object);
      related.pods = (await client.resource('pod').listAll(namespace, selector ? { labelSelector: selector } : {})).items;
      break;
    }
    case 'deployment':
      Object.assign(related, await deploymentRelated(client, object as Deployment));
      break;
    case 'service':
      try {
        related.endpoints = await client.resource('endpoints').get(namespace, (object as Service).metadata?.name ?? name);
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
        related.leaseError = err.message;
      }
      break;
    case 'persistentVolumeClaim':
      related.pods = (await client.resource('pod').listAll(namespace)).items;
      break;
    case 'namespace':
      related.resourceQuotas = (await client.resource('resourceQuota').listAll(name)).items;
      related.limitRanges = (await client.resource('limitRange').listAll(name)).items;
      break;
    case 'ingress':
      related.backends = await ingressBackends(client, object as Ingress);
      break;
    case 'certificateSigningRequest':
      related.certificateRequest = await certificateRequestNames(object as CertificateSigningRequest);
      break;
    default:
      break;
  }
  return related;
}
