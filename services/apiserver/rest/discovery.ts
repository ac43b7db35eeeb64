import { categoriesOf } from '../../../lib/api/categories.js';
import { resources, servedResources, type EnvelopeField, type ResourceInfo } from '../../../lib/api/resources.js';
import { resourceVerbs } from '../../../lib/api/verbs.js';
import { VERSION } from '../../../lib/version.js';

// Discovery documents built from the resource table, so a kind added there is served here without
// another edit: the aggregated documents (apidiscovery.k8s.io/v2, every group's resources in the
// answer to /api and /apis, which kubectl asks for first) and the older per-group-version ones
// that other clients read.

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

interface CreateOnlySubresource {
  subresource: string;
  /** What a client posts to it, when that is not the kind itself. */
  group: string;
  version: string;
  kind: string;
}

/** Subresources a client only posts to, beside status and scale. */
const CREATE_ONLY_SUBRESOURCES: Partial<Record<EnvelopeField, CreateOnlySubresource[]>> = {
  serviceAccount: [{ subresource: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }],
  pod: [
    { subresource: 'binding', group: '', version: 'v1', kind: 'Binding' },
    { subresource: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction' },
  ],
};

const createOnlySubresources = (r: ResourceInfo): CreateOnlySubresource[] => CREATE_ONLY_SUBRESOURCES[r.field] ?? [];

interface GroupVersion {
  groupVersion: string;
  version: string;
}

/** Every kind in every version it is served in; a kind's preferred version comes first. */
const served = servedResources();

/** A group's versions, preferred first (the stored version of its kinds). */
function groupVersions(group: string): GroupVersion[] {
  const versions = [...new Set(served.filter((r) => r.group === group).map((r) => r.version))];
  return versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
}

function apiGroup(name: string): object {
  const versions = groupVersions(name);
  return { name, versions, preferredVersion: versions[0] };
}

/** GET /version. */
export function versionDocument(): object {
  const [major, minor] = VERSION.replace(/^v/, '').split('.');
  return { major, minor, gitVersion: VERSION, platform: `${process.platform}/${process.arch}`, goVersion: `node${process.versions.node}`, compiler: 'node' };
}

/** GET /api. */
export function coreVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** GET /apis: every named group of the resource table. */
export function groupList(): object {
  const names = [...new Set(resources.map((r) => r.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map(apiGroup) };
}

/** GET /apis/<group>; undefined for a group the server does not have. */
export function groupDocument(group: string): object | undefined {
  if (!resources.some((r) => r.group === group && group !== '')) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

function resourceEntries(r: ResourceInfo): object[] {
  const entries: object[] = [
    {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: resourceVerbs(r),
      ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
      ...(categoriesOf(r).length > 0 ? { categories: categoriesOf(r) } : {}),
    },
  ];
  if (r.hasStatus) entries.push({ name: `${r.resource}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: SUBRESOURCE_VERBS });
  if (r.hasScale) entries.push({ name: `${r.resource}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUBRESOURCE_VERBS });
  for (const sub of createOnlySubresources(r)) {
    // The group and version are named only when they are not the kind's own, as Kubernetes lists them.
    const elsewhere = sub.group !== r.group || sub.version !== r.version ? { group: sub.group, version: sub.version } : {};
    entries.push({ name: `${r.resource}/${sub.subresource}`, singularName: '', namespaced: r.namespaced, ...elsewhere, kind: sub.kind, verbs: ['create'] });
  }
  return entries;
}

/** GET /api/v1 or /apis/<group>/<version>; undefined for a version the server does not have. */
export function resourceList(group: string, version: string): object | undefined {
  const inVersion = served.filter((r) => r.group === group && r.version === version);
  if (inVersion.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: inVersion.flatMap(resourceEntries) };
}

export const AGGREGATED_DISCOVERY_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function aggregatedResource(r: ResourceInfo): object {
  const subresources: object[] = [];
  if (r.hasStatus) subresources.push({ subresource: 'status', responseKind: { group: r.group, version: r.version, kind: r.kind }, verbs: SUBRESOURCE_VERBS });
  if (r.hasScale) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: SUBRESOURCE_VERBS });
  for (const { subresource, group, version, kind } of createOnlySubresources(r)) subresources.push({ subresource, responseKind: { group, version, kind }, verbs: ['create'] });
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: resourceVerbs(r),
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(categoriesOf(r).length > 0 ? { categories: categoriesOf(r) } : {}),
    ...(subresources.length > 0 ? { subresources } : {}),
  };
}

function aggregatedGroup(group: string): object {
  return {
    metadata: { name: group },
    versions: groupVersions(group).map(({ version }) => ({
      version,
      resources: served.filter((r) => r.group === group && r.version === version).map(aggregatedResource),
      freshness: 'Current',
    })),
  };
}

/** GET /api (core: the legacy group only) or /apis (every named group), aggregated. */
export function aggregatedDiscovery(core: boolean): object {
  const groups = core ? [''] : [...new Set(resources.map((r) => r.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items: groups.map(aggregatedGroup) };
}
