import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { documentationOf } from '../../../lib/api/field-docs.js';
import { protoRoot } from '../../../lib/api/proto.js';
import { resources, servedResources } from '../../../lib/api/resources.js';
import { openApiV2Document, openApiV3Document, openApiV3Index } from './index.js';

type Json = { [key: string]: unknown };

const v2 = (): Json => openApiV2Document();
const definitions = (): Record<string, Json> => v2().definitions as Record<string, Json>;
const props = (definition: string): Record<string, Json> => definitions()[definition]!.properties as Record<string, Json>;

/** Every value of `$ref` anywhere in a document. */
function refsOf(doc: unknown): string[] {
  return [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head']);

/** The structural rules of a swagger 2.0 document that clients (kubectl among them) rely on. */
function swaggerProblems(doc: Json): string[] {
  const problems: string[] = [];
  if (doc.swagger !== '2.0') problems.push('swagger must be "2.0"');
  const info = doc.info as Json | undefined;
  if (typeof info?.title !== 'string' || typeof info?.version !== 'string') problems.push('info needs title and version');
  const defs = doc.definitions as Record<string, Json>;
  for (const target of refsOf(doc)) {
    if (!target.startsWith('#/definitions/') || !defs[target.slice('#/definitions/'.length)]) problems.push(`unresolved $ref ${target}`);
  }
  for (const [name, schema] of Object.entries(defs)) {
    if (typeof schema.type !== 'string') problems.push(`definition ${name} has no type`);
    if (schema.type === 'object' && schema.properties === undefined && name !== 'io.k8s.apimachinery.pkg.runtime.RawExtension' && !name.endsWith('.Patch') && !name.endsWith('.FieldsV1')) problems.push(`object ${name} has no properties`);
  }
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    if (!path.startsWith('/')) problems.push(`path ${path} must start with /`);
    const pathParams = ((item.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if ([...templated].sort().join() !== [...pathParams].sort().join()) problems.push(`${path}: path parameters ${String(pathParams)} do not match the template`);
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters') continue;
      if (!METHODS.has(method)) problems.push(`${path}: unknown method ${method}`);
      const operation = op as Json;
      const id = operation.operationId as string;
      if (!id || ids.has(id)) problems.push(`${path} ${method}: operationId ${id} missing or repeated`);
      ids.add(id);
      const responses = operation.responses as Record<string, Json> | undefined;
      if (!responses?.['200']?.description) problems.push(`${path} ${method}: no described 200 response`);
      for (const p of (operation.parameters as Json[]) ?? []) {
        if (p.in === 'body' ? !p.schema : !p.type) problems.push(`${path} ${method}: parameter ${String(p.name)} has no ${p.in === 'body' ? 'schema' : 'type'}`);
      }
    }
  }
  return problems;
}

describe('OpenAPI v2', () => {
  it('is a well-formed swagger 2.0 document', () => {
    expect(swaggerProblems(v2())).toEqual([]);
  });

  it('documents every kind of the resource table under its Kubernetes name, with its paths', () => {
    for (const info of resources) {
      const pkg = info.group === '' ? 'core' : info.group.split('.')[0];
      const name = `io.k8s.api.${pkg}.${info.version}.${info.kind}`;
      expect(definitions()[name]?.['x-kubernetes-group-version-kind'], name).toEqual([{ group: info.group, kind: info.kind, version: info.version }]);
      expect(definitions()[`${name}List`]?.['x-kubernetes-group-version-kind'], name).toEqual([{ group: info.group, kind: `${info.kind}List`, version: info.version }]);
      const base = `/${info.group ? `apis/${info.group}` : 'api'}/${info.version}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}`;
      const paths = v2().paths as Record<string, Json>;
      // Measured kinds (metrics.k8s.io) are read and listed only.
      expect(Object.keys(paths[base]!).sort()).toEqual(info.stored ? ['get', 'parameters', 'post'] : ['get', 'parameters']);
      expect(Object.keys(paths[`${base}/{name}`]!).sort()).toEqual(info.stored ? ['delete', 'get', 'parameters', 'patch', 'put'] : ['get', 'parameters']);
      expect(paths[`${base}/{name}/status`] !== undefined).toBe(info.hasStatus);
      expect(paths[`${base}/{name}/scale`] !== undefined).toBe(info.hasScale);
    }
    const pod = (v2().paths as Record<string, Record<string, Json>>)['/api/v1/namespaces/{namespace}/pods/{name}']!.get!;
    expect(pod).toMatchObject({ operationId: 'readCoreV1NamespacedPod', 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'Pod' } });
    expect((v2().paths as Record<string, Record<string, Json>>)['/apis/apps/v1/deployments']!.get!.operationId).toBe('listAppsV1DeploymentForAllNamespaces');
  });

  it('names shared types as Kubernetes does and encodes int-or-string, quantities and times as it does', () => {
    expect(props('io.k8s.api.core.v1.Pod').metadata).toMatchObject({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    expect(props('io.k8s.api.apps.v1.DeploymentSpec').selector).toMatchObject({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' });
    expect(definitions()['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' });
    expect(props('io.k8s.api.core.v1.ServicePort').targetPort).toMatchObject({ $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' });
    expect(definitions()['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
    expect(props('io.k8s.api.core.v1.ResourceRequirements').limits).toEqual({ type: 'object', additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } });
    expect(props('io.k8s.api.core.v1.NodeStatus').capacity).toMatchObject({ additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } });
    expect(props('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').creationTimestamp).toMatchObject({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time' });
    expect(props('io.k8s.api.coordination.v1.LeaseSpec').renewTime).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime' });
    expect(props('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').labels).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    expect(props('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').generation).toMatchObject({ type: 'integer', format: 'int64' });
    expect(props('io.k8s.api.core.v1.ConfigMap').binaryData).toEqual({ type: 'object', additionalProperties: { type: 'string', format: 'byte' } });
  });

  it('marks the lists strategic merge patch merges, with their keys', () => {
    const merge = (key: string): Json => ({ 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': 'merge' });
    expect(props('io.k8s.api.core.v1.PodSpec').containers).toMatchObject(merge('name'));
    expect(props('io.k8s.api.core.v1.PodSpec').volumes).toMatchObject(merge('name'));
    expect(props('io.k8s.api.core.v1.Container').ports).toMatchObject(merge('containerPort'));
    expect(props('io.k8s.api.core.v1.Container').env).toMatchObject(merge('name'));
    expect(props('io.k8s.api.core.v1.Container').volumeMounts).toMatchObject(merge('mountPath'));
    expect(props('io.k8s.api.core.v1.ServiceSpec').ports).toMatchObject(merge('port'));
    expect(props('io.k8s.api.core.v1.NodeSpec').taints).toMatchObject(merge('key'));
    expect(props('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').ownerReferences).toMatchObject(merge('uid'));
    expect(props('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').finalizers).toMatchObject({ type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' });
    // Lists that are replaced whole carry no strategy.
    expect(props('io.k8s.api.core.v1.Container').command).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(props('io.k8s.api.core.v1.Container').command).not.toHaveProperty('x-kubernetes-patch-strategy');
  });

  it('describes fields and messages with their proto comments', () => {
    let described = 0;
    for (const [name, schema] of Object.entries(definitions())) {
      const type = protoRoot().lookup(`kubets.v1.${name.split('.').pop()}`);
      // Only the definitions made from a message (not the hand-written WatchEvent, say).
      if (!(type instanceof protobuf.Type) || Object.keys((schema.properties as object | undefined) ?? {}).join() !== type.fieldsArray.map((f) => f.name).join()) continue;
      if (type.comment) expect(schema.description, name).toBe(type.comment.replace(/\s+/g, ' ').trim());
      for (const field of type.fieldsArray) {
        if (!field.comment) continue;
        described++;
        expect((schema.properties as Record<string, Json>)[field.name]!.description, `${name}.${field.name}`).toBe(documentationOf(field).description);
      }
    }
    expect(described).toBeGreaterThan(0);
  });

  it('lists the fields a comment marks +required as required, without the marker in the text', () => {
    const container = definitions()['io.k8s.api.core.v1.Container']!;
    expect(container.required).toEqual(['name']);
    expect((container.properties as Record<string, Json>).name!.description).toBe("The container's name, a DNS label, unique within the pod.");
    expect(definitions()['io.k8s.api.apps.v1.DeploymentSpec']!.required).toEqual(['selector', 'template']);
    expect(definitions()['io.k8s.api.core.v1.PodStatus']!.required).toBeUndefined();
  });

  it('is built once', () => {
    expect(openApiV2Document()).toBe(openApiV2Document());
  });
});

describe('OpenAPI v3', () => {
  it('indexes one document per served group version of the resource table', () => {
    const index = openApiV3Index() as { paths: Record<string, { serverRelativeURL: string }> };
    const groupVersions = [...new Set(servedResources().map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)))];
    expect(groupVersions).toContain('apis/autoscaling/v1');
    expect(Object.keys(index.paths).sort()).toEqual(groupVersions.sort());
    expect(index.paths['apis/apps/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(openApiV3Index()).toBe(index);
  });

  it('gives each group version its own paths and the definitions they reach, in components', () => {
    const apps = openApiV3Document('apis/apps/v1') as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, Json> } };
    expect(apps.openapi).toBe('3.0.0');
    expect(Object.keys(apps.paths).every((p) => p.startsWith('/apis/apps/v1/'))).toBe(true);
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']).toBeDefined();
    const schemas = apps.components.schemas;
    expect(schemas['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(schemas['io.k8s.api.core.v1.PodTemplateSpec']).toBeDefined();
    expect(schemas['io.k8s.api.autoscaling.v1.Scale']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
    expect(schemas['io.k8s.api.core.v1.Service']).toBeUndefined();
    for (const target of refsOf(apps)) expect(schemas[target.replace('#/components/schemas/', '')], target).toBeDefined();
    expect((schemas['io.k8s.api.core.v1.Container']!.properties as Record<string, Json>).ports).toMatchObject({ 'x-kubernetes-patch-merge-key': 'containerPort' });
    const core = openApiV3Document('/api/v1/') as { paths: Record<string, Record<string, Json>> };
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}']!.patch!.requestBody).toMatchObject({ content: { 'application/strategic-merge-patch+json': {} } });
    expect(openApiV3Document('apis/nothing/v1')).toBeUndefined();
  });

  it('documents a kind in a served version other than its stored one, without the fields that version has not', () => {
    const v1 = openApiV3Document('apis/autoscaling/v1') as { paths: Record<string, unknown>; components: { schemas: Record<string, Json> } };
    const schemas = v1.components.schemas;
    expect(v1.paths['/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}']).toBeDefined();
    const hpa = schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler']!;
    expect(hpa['x-kubernetes-group-version-kind']).toEqual([{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler', version: 'v1' }]);
    const spec = schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec']!.properties as Record<string, Json>;
    expect(Object.keys(spec)).toContain('targetCPUUtilizationPercentage');
    expect(Object.keys(spec)).not.toContain('metrics');
    expect(Object.keys(schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus']!.properties as Json)).not.toContain('conditions');
    expect(schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerList']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'autoscaling', kind: 'HorizontalPodAutoscalerList', version: 'v1' }]);
    for (const target of refsOf(v1)) expect(schemas[target.replace('#/components/schemas/', '')], target).toBeDefined();
    // The stored version keeps its own.
    const v2 = (openApiV3Document('apis/autoscaling/v2') as { components: { schemas: Record<string, Json> } }).components.schemas;
    expect(Object.keys(v2['io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec']!.properties as Json)).toContain('metrics');
  });

  it('wraps field references in allOf and gives int-or-string and quantities their alternatives, as Kubernetes does', () => {
    const schemas = (openApiV3Document('api/v1') as { components: { schemas: Record<string, Json> } }).components.schemas;
    const fields = (name: string): Record<string, Json> => schemas[name]!.properties as Record<string, Json>;
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' });
    expect(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(fields('io.k8s.api.core.v1.ServicePort').targetPort).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }] });
    expect(fields('io.k8s.api.core.v1.ResourceRequirements').limits).toEqual({ type: 'object', additionalProperties: { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' }] } });
    const create = (openApiV3Document('api/v1') as { paths: Record<string, Record<string, Json>> }).paths['/api/v1/namespaces/{namespace}/pods']!.post!;
    // kubectl validates on the server only when the write operations take fieldValidation.
    expect((create.parameters as Json[]).map((p) => p.name)).toContain('fieldValidation');
    expect(create.requestBody).toMatchObject({ content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' } } } });
  });
});
