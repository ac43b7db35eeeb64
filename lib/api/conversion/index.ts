import { isStoredVersion, type AnyObject, type EnvelopeField, type KindTypes, type ResourceInfo } from '../resources.js';
import { horizontalPodAutoscalerV1 } from './hpa-v1.js';

// Kinds served in more than one version are stored in their preferred version; every other
// served version is a view converted on the way in and out, as Kubernetes' apiserver converts
// through its internal version. Transports call these two functions with the version view of the
// request (resources.ts versionedResource), so no transport knows a kind by name.

/** How one served version of a kind becomes its stored version and back. */
export interface VersionConverter<T> {
  toStored(object: T): T;
  fromStored(object: T): T;
  /** The stored version's fields this version has not (`spec.metrics`), left out of its OpenAPI schema. */
  absentFields: readonly string[];
}

// Keyed by envelope field and served version; the resource table lists the versions.
const converters: { [F in EnvelopeField]?: Record<string, VersionConverter<KindTypes[F]>> } = {
  horizontalPodAutoscaler: { v1: horizontalPodAutoscalerV1 },
};

function converterOf(info: ResourceInfo): VersionConverter<AnyObject> {
  const converter = converters[info.field]?.[info.version] as VersionConverter<AnyObject> | undefined;
  if (!converter) throw new Error(`no conversion of ${info.kind} from ${info.apiVersion}`);
  return converter;
}

/** An object of the view's version as the stored version holds it (the same object for the stored version). */
export function toStoredVersion(info: ResourceInfo, object: AnyObject): AnyObject {
  return isStoredVersion(info) ? object : converterOf(info).toStored(object);
}

/** A stored object as the view's version shows it (the same object for the stored version). */
export function fromStoredVersion(info: ResourceInfo, object: AnyObject): AnyObject {
  return isStoredVersion(info) ? object : converterOf(info).fromStored(object);
}

/** The fields of the stored version that the view's version has not (none for the stored version). */
export function fieldsAbsentIn(info: ResourceInfo): readonly string[] {
  return isStoredVersion(info) ? [] : converterOf(info).absentFields;
}
