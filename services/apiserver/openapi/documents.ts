import { createHash } from 'node:crypto';
import { protoRoot } from '../../../lib/api/proto.js';
import { servedResources } from '../../../lib/api/resources.js';
import { VERSION } from '../../../lib/version.js';
import { DefinitionNames, META } from './names.js';
import { resourcePaths, type Operation, type Parameter, type PathItem } from './paths.js';
import { bodyRef, buildDefinitions, type Schema } from './schemas.js';

// Kubernetes' OpenAPI documents (/openapi/v2, and /openapi/v3 with one document per group
// version), built from the proto schema and the resource table on first use and kept: a kind
// added to both is documented with no change here.

// Responses come in JSON and YAML: Kubernetes' protobuf is read in request bodies (which take any
// type here) but not written.
const MEDIA_TYPES = ['application/json', 'application/yaml'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const PATCH = `${META}.Patch`;
const STATUS = `${META}.Status`;
const INFO = { title: 'Kubernetes', version: VERSION };
const BEARER = { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer token authentication: "Bearer <token>".' };

let names: DefinitionNames | undefined;
const definitionNames = (): DefinitionNames => (names ??= new DefinitionNames(protoRoot()));

let pathItems: PathItem[] | undefined;
// Every served version of every kind has its paths (autoscaling/v1 beside the stored autoscaling/v2).
const allPaths = (): PathItem[] => (pathItems ??= servedResources().flatMap(resourcePaths));

function extensions(op: Operation): Schema {
  return { 'x-kubernetes-action': op.action, 'x-kubernetes-group-version-kind': op.gvk };
}

// --- v2 ---

function v2Parameter(p: Parameter): Schema {
  return { name: p.name, in: p.in, description: p.description, type: p.type, ...(p.in === 'path' ? { required: true, uniqueItems: true } : { uniqueItems: true }) };
}

function v2Operation(op: Operation, tag: string): Schema {
  const body = op.patch ? PATCH : op.body;
  return {
    description: op.description,
    consumes: op.patch ? PATCH_TYPES : ['*/*'],
    produces: MEDIA_TYPES,
    schemes: ['https'],
    tags: [tag],
    operationId: op.operationId,
    parameters: [...(body ? [{ name: 'body', in: 'body', required: op.method !== 'delete', schema: bodyRef('v2', body) }] : []), ...op.query.map(v2Parameter)],
    responses: { '200': { description: 'OK', schema: bodyRef('v2', op.response) }, '401': { description: 'Unauthorized' } },
    ...extensions(op),
  };
}

function v2Paths(items: PathItem[]): Schema {
  return Object.fromEntries(
    items.map((item) => [item.path, { ...Object.fromEntries(item.operations.map((op) => [op.method, v2Operation(op, item.tag)])), parameters: item.params.map(v2Parameter) }]),
  );
}

let v2: Schema | undefined;

/** The swagger 2.0 document of the whole API, as Kubernetes serves at /openapi/v2. */
export function openApiV2Document(): Schema {
  v2 ??= {
    swagger: '2.0',
    info: INFO,
    paths: v2Paths(allPaths()),
    definitions: buildDefinitions(definitionNames(), 'v2'),
    securityDefinitions: { BearerToken: BEARER },
    security: [{ BearerToken: [] }],
  };
  return v2;
}

// --- v3 ---

function v3Parameter(p: Parameter): Schema {
  return { name: p.name, in: p.in, description: p.description, ...(p.in === 'path' ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } };
}

function content(types: string[], name: string): Schema {
  return Object.fromEntries(types.map((t) => [t, { schema: bodyRef('v3', name) }]));
}

function v3Operation(op: Operation, tag: string): Schema {
  const body = op.patch ? { content: content(PATCH_TYPES, PATCH), required: true } : op.body ? { content: content(['*/*'], op.body), required: op.method !== 'delete' } : undefined;
  return {
    tags: [tag],
    description: op.description,
    operationId: op.operationId,
    parameters: op.query.map(v3Parameter),
    ...(body ? { requestBody: body } : {}),
    responses: { '200': { description: 'OK', content: content(MEDIA_TYPES, op.response) }, '401': { description: 'Unauthorized' } },
    ...extensions(op),
  };
}

/** The definitions a document needs: those its paths name and everything they refer to. */
function reachable(all: Record<string, Schema>, roots: string[]): Record<string, Schema> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || !all[name]) return;
    seen.add(name);
    for (const match of JSON.stringify(all[name]).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) visit(match[1]!);
  };
  roots.forEach(visit);
  return Object.fromEntries(Object.entries(all).filter(([name]) => seen.has(name)));
}

function buildV3Document(groupVersion: string, items: PathItem[], all: Record<string, Schema>): Schema {
  const used = items.flatMap((item) => item.operations.flatMap((op) => [op.response, op.patch ? PATCH : op.body].filter((n): n is string => n !== undefined)));
  return {
    openapi: '3.0.0',
    info: INFO,
    paths: Object.fromEntries(
      items.map((item) => [item.path, { ...Object.fromEntries(item.operations.map((op) => [op.method, v3Operation(op, item.tag)])), parameters: item.params.map(v3Parameter) }]),
    ),
    components: { schemas: reachable(all, [...used, STATUS]), securitySchemes: { BearerToken: BEARER } },
    security: [{ BearerToken: [] }],
  };
}

interface V3Documents {
  documents: Map<string, Schema>;
  index: Schema;
}

let v3: V3Documents | undefined;

function v3Documents(): V3Documents {
  if (v3) return v3;
  const all = buildDefinitions(definitionNames(), 'v3');
  const byGroupVersion = new Map<string, PathItem[]>();
  for (const item of allPaths()) byGroupVersion.set(item.groupVersion, [...(byGroupVersion.get(item.groupVersion) ?? []), item]);
  const documents = new Map([...byGroupVersion].map(([gv, items]) => [gv, buildV3Document(gv, items, all)]));
  // The hash changes whenever a document does, so clients may cache a document by its URL.
  const hash = (doc: Schema): string => createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
  const index = { paths: Object.fromEntries([...documents].map(([gv, doc]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash(doc)}` }])) };
  v3 = { documents, index };
  return v3;
}

/** The /openapi/v3 index: each group version's path and the URL of its document. */
export function openApiV3Index(): Schema {
  return v3Documents().index;
}

/** The OpenAPI 3.0 document of one group version (`api/v1`, `apis/apps/v1`); undefined if there is none. */
export function openApiV3Document(groupVersionPath: string): Schema | undefined {
  return v3Documents().documents.get(groupVersionPath.replace(/^\/+|\/+$/g, ''));
}
