import protobuf from 'protobufjs';
import { resourceByKind, resources, type ResourceInfo } from '../../../lib/api/resources.js';

// OpenAPI definitions are named as Kubernetes names them (io.k8s.api.core.v1.Pod,
// io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta), so tools that know Kubernetes' documents find
// the same names here. The proto has one package; a message's Kubernetes package is its kind's
// group, or, for the parts of kinds, the group of the first kind (in resource-table order) that
// holds it.

const API_PREFIX = 'io.k8s.api';
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const TIME = `${META}.Time`;
export const MICRO_TIME = `${META}.MicroTime`;
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
export const FIELDS_V1 = `${META}.FieldsV1`;

/** Messages of meta.proto that are apimachinery's; the rest of that file is core/v1 in Kubernetes. */
const APIMACHINERY: Record<string, string> = {
  ObjectMeta: META,
  ListMeta: META,
  OwnerReference: META,
  LabelSelector: META,
  LabelSelectorRequirement: META,
  Condition: META,
  Status: META,
  StatusDetails: META,
  StatusCause: META,
  Preconditions: META,
  DeleteOptions: META,
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr',
  ManagedFieldsEntry: META,
};

/** Messages no kind holds but that subresources send: the Scale subresource is autoscaling/v1's. */
const SUBRESOURCE_GROUPS: Record<string, string> = { Scale: 'autoscaling', ScaleSpec: 'autoscaling', ScaleStatus: 'autoscaling', Binding: '' };

/** Kubernetes' Go package of an API group: the group's first label, `core` for the legacy group. */
export function groupPackage(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!;
}

export function groupVersionPackage(group: string, version: string): string {
  return `${API_PREFIX}.${groupPackage(group)}.${version}`;
}

/** The URL path of a group version: `api/v1`, `apis/apps/v1`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Every kubets message a kind reaches, with the Kubernetes package it is named in. */
function packagesOfMessages(root: protobuf.Root): Map<protobuf.Type, string> {
  const packages = new Map<protobuf.Type, string>();
  const visitFields = (type: protobuf.Type, pkg: string): void => {
    for (const field of type.fieldsArray) {
      field.resolve();
      if (field.resolvedType instanceof protobuf.Type) visit(field.resolvedType, pkg);
    }
  };
  const visit = (type: protobuf.Type, pkg: string): void => {
    if (packages.has(type)) return;
    packages.set(type, APIMACHINERY[type.name] ?? pkg);
    visitFields(type, pkg);
  };
  const kinds = resources.map((info) => [root.lookupType(`kubets.v1.${info.kind}`), groupVersionPackage(info.group, info.version)] as const);
  // Kinds first, so that a kind is named in its own group even where another kind embeds it.
  for (const [type, pkg] of kinds) packages.set(type, pkg);
  for (const [type, pkg] of kinds) visitFields(type, pkg);
  for (const [name, group] of Object.entries(SUBRESOURCE_GROUPS)) visit(root.lookupType(`kubets.v1.${name}`), groupVersionPackage(group, 'v1'));
  for (const name of ['ListMeta', 'Status', 'DeleteOptions']) visit(root.lookupType(`kubets.v1.${name}`), META);
  return packages;
}

/** Kubernetes' definition names for the messages the API documents. */
export class DefinitionNames {
  private readonly packages: Map<protobuf.Type, string>;

  constructor(root: protobuf.Root) {
    this.packages = packagesOfMessages(root);
  }

  /** The documented messages, each with its definition name. */
  entries(): [protobuf.Type, string][] {
    return [...this.packages].map(([type, pkg]) => [type, `${pkg}.${type.name}`]);
  }

  nameOf(type: protobuf.Type): string {
    const pkg = this.packages.get(type);
    if (!pkg) throw new Error(`no OpenAPI definition for ${type.fullName}`);
    return `${pkg}.${type.name}`;
  }

  /**
   * The group, version and kind of a top-level object: a resource's kind, or the object a
   * subresource takes (Scale, Binding).
   */
  groupVersionKindOf(type: protobuf.Type): { group: string; kind: string; version: string } | undefined {
    const info = resourceByKind(type.name);
    if (info && this.packages.get(type) === groupVersionPackage(info.group, info.version)) return { group: info.group, kind: info.kind, version: info.version };
    const group = SUBRESOURCE_GROUPS[type.name];
    return group !== undefined && type.fields.kind ? { group, kind: type.name, version: 'v1' } : undefined;
  }
}

export function kindName(info: ResourceInfo): string {
  return `${groupVersionPackage(info.group, info.version)}.${info.kind}`;
}

export function listName(info: ResourceInfo): string {
  return `${kindName(info)}List`;
}
