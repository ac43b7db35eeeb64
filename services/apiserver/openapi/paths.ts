import type { ResourceInfo } from '../../../lib/api/resources.js';
import { groupVersionPath, kindName, listName, META } from './names.js';

// The REST paths of each resource, as Kubernetes lays them out, in one version-neutral form that
// documents.ts renders as OpenAPI v2 or v3.

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'integer' | 'boolean';
  description: string;
}

export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  action: Action;
  operationId: string;
  description: string;
  gvk: { group: string; version: string; kind: string };
  query: Parameter[];
  /** The request body: a definition name, or the patch document. */
  body?: string;
  patch?: boolean;
  /** The definition name of the answer. */
  response: string;
}

export interface PathItem {
  path: string;
  /** The group version it belongs to (`api/v1`, `apis/apps/v1`). */
  groupVersion: string;
  params: Parameter[];
  operations: Operation[];
  /** Kubernetes' tag of the group version (`coreV1`, `appsV1`). */
  tag: string;
}

const query = (name: string, type: Parameter['type'], description: string): Parameter => ({ name, in: 'query', type, description });

const LIST_QUERY = [
  query('labelSelector', 'string', 'Only the objects whose labels match this selector.'),
  query('fieldSelector', 'string', 'Only the objects whose fields match this selector.'),
  query('limit', 'integer', 'At most this many objects; metadata.continue of the answer asks for the next page.'),
  query('continue', 'string', 'The continue token of the previous page.'),
  query('resourceVersion', 'string', 'With "0", any recent state (served from the watch cache); unset, the latest.'),
  query('watch', 'boolean', 'Watch the objects instead: a stream of WatchEvents after resourceVersion.'),
  query('allowWatchBookmarks', 'boolean', 'With watch, send BOOKMARK events that carry the latest resourceVersion.'),
  query('timeoutSeconds', 'integer', 'End a watch after this many seconds.'),
];
const DRY_RUN = query('dryRun', 'string', 'With "All", validate and admit the change but store nothing.');
// kubectl validates on the server (instead of with its own copy of the schema) when the write
// operations take this parameter. The apiserver decodes strictly, so an unknown or duplicate field
// is refused whatever the value.
const FIELD_VALIDATION = query('fieldValidation', 'string', 'How to treat unknown or duplicate fields: Ignore, Warn or Strict. kubets always refuses them (Strict).');
const WRITE_QUERY = [DRY_RUN, FIELD_VALIDATION];
const DELETE_QUERY = [
  query('gracePeriodSeconds', 'integer', 'Seconds the object may take to finish; 0 deletes at once.'),
  query('propagationPolicy', 'string', 'What happens to dependents: Orphan, Background or Foreground.'),
  DRY_RUN,
];

const pathParam = (name: string, description: string): Parameter => ({ name, in: 'path', type: 'string', description });
const NAMESPACE = pathParam('namespace', 'object name and auth scope, such as for teams and projects');

function camel(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Kubernetes' operation ID: verb, group and version, Namespaced for namespaced kinds, kind, suffix. */
function operationId(info: ResourceInfo, verb: string, suffix = '', allNamespaces = false): string {
  const group = camel(info.group === '' ? 'core' : info.group.split('.')[0]!);
  const scope = info.namespaced && !allNamespaces ? 'Namespaced' : '';
  return `${verb}${group}${camel(info.version)}${scope}${info.kind}${suffix}`;
}

/** The paths of one resource: the collection, the object, and its status and scale subresources. */
export function resourcePaths(info: ResourceInfo): PathItem[] {
  const groupVersion = groupVersionPath(info.group, info.version);
  const tag = `${info.group === '' ? 'core' : info.group.split('.')[0]!}${camel(info.version)}`;
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const base = `/${groupVersion}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}`;
  const scope = info.namespaced ? [NAMESPACE] : [];
  const name = pathParam('name', `name of the ${info.kind}`);
  const item = (path: string, params: Parameter[], operations: Operation[]): PathItem => ({ path, groupVersion, params, operations, tag });
  const objectOperations = (suffix: string, what: string, response: string, kind = gvk): Operation[] => [
    { method: 'get', action: 'get', operationId: operationId(info, 'read', suffix), description: `read ${what}`, gvk: kind, query: [], response },
    { method: 'put', action: 'put', operationId: operationId(info, 'replace', suffix), description: `replace ${what}`, gvk: kind, query: WRITE_QUERY, body: response, response },
    { method: 'patch', action: 'patch', operationId: operationId(info, 'patch', suffix), description: `partially update ${what}`, gvk: kind, query: WRITE_QUERY, patch: true, response },
  ];

  const list: Operation = { method: 'get', action: 'list', operationId: operationId(info, 'list'), description: `list or watch objects of kind ${info.kind}`, gvk, query: LIST_QUERY, response: listName(info) };
  const [read, ...writes] = objectOperations('', `the specified ${info.kind}`, kindName(info));
  // Measured kinds (metrics.k8s.io) are only read and listed.
  const paths = info.stored
    ? [
        item(base, scope, [list, { method: 'post', action: 'post', operationId: operationId(info, 'create'), description: `create a ${info.kind}`, gvk, query: WRITE_QUERY, body: kindName(info), response: kindName(info) }]),
        item(`${base}/{name}`, [name, ...scope], [
          read!,
          ...writes,
          { method: 'delete', action: 'delete', operationId: operationId(info, 'delete'), description: `delete a ${info.kind}`, gvk, query: DELETE_QUERY, body: `${META}.DeleteOptions`, response: kindName(info) },
        ]),
      ]
    : [item(base, scope, [list]), item(`${base}/{name}`, [name, ...scope], [read!])];
  if (info.namespaced) {
    paths.push(
      item(`/${groupVersion}/${info.resource}`, [], [
        { method: 'get', action: 'list', operationId: operationId(info, 'list', 'ForAllNamespaces', true), description: `list or watch objects of kind ${info.kind} in every namespace`, gvk, query: LIST_QUERY, response: listName(info) },
      ]),
    );
  }
  if (info.hasStatus) paths.push(item(`${base}/{name}/status`, [name, ...scope], objectOperations('Status', `status of the specified ${info.kind}`, kindName(info))));
  if (info.hasScale) {
    const scale = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    paths.push(item(`${base}/{name}/scale`, [name, ...scope], objectOperations('Scale', `scale of the specified ${info.kind}`, 'io.k8s.api.autoscaling.v1.Scale', scale)));
  }
  return paths;
}
