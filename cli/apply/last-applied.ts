import { fromKubeJSON, toKubeJSON } from '../../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../../lib/api/resources.js';
import { sortKeysDeep, type JsonValue } from '../printers/go-values.js';
import type { JsonObject } from './three-way-merge.js';

/** Where kubectl apply keeps the configuration it applied last (and kubets does too, for compatibility). */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The configuration as it will be recorded: the object's Kubernetes JSON without the annotation
 * itself. Going through the typed object normalizes it the same way the live object is normalized,
 * so comparisons with the live object are not fooled by spelling. As in kubectl, the annotations
 * map stays, empty if the annotation was the only one.
 */
function configurationOf(info: ResourceInfo, object: AnyObject): JsonObject {
  const json = structuredClone(toKubeJSON(info, object)) as JsonObject;
  const metadata = (isObject(json.metadata) ? json.metadata : (json.metadata = {})) as JsonObject;
  const annotations = (isObject(metadata.annotations) ? metadata.annotations : (metadata.annotations = {})) as JsonObject;
  delete annotations[LAST_APPLIED_ANNOTATION];
  return json;
}

/** The configuration with the annotation that records it, as kubectl's GetModifiedConfiguration builds it. */
export function annotatedConfiguration(info: ResourceInfo, object: AnyObject): JsonObject {
  const config = configurationOf(info, object);
  const annotated = structuredClone(config);
  const metadata = (isObject(annotated.metadata) ? annotated.metadata : (annotated.metadata = {})) as JsonObject;
  const annotations = (isObject(metadata.annotations) ? metadata.annotations : (metadata.annotations = {})) as JsonObject;
  // kubectl writes it with Go's JSON encoder, keys sorted at every level.
  annotations[LAST_APPLIED_ANNOTATION] = `${JSON.stringify(sortKeysDeep(config as JsonValue))}\n`;
  return annotated;
}

/** A copy of the object carrying its own configuration in the annotation (create --save-config, apply's create). */
export function withLastApplied(info: ResourceInfo, object: AnyObject): AnyObject {
  return fromKubeJSON(info, annotatedConfiguration(info, object) as never);
}

/** The configuration recorded on a live object; undefined when it has none or it is unreadable. */
export function readLastApplied(object: AnyObject): JsonObject | undefined {
  const text = object.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
