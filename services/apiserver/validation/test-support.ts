import { decodeManifest } from '../../../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { applyDefaults, validateObject, validateObjectUpdate, validateStatusUpdate } from '../registry/strategy.js';

// Builders and runners for the defaulting and validation tests: manifests are written as the JSON
// a user would send, decoded with the strict manifest decoder, then defaulted like the registry does.

export type Json = Record<string, unknown>;

export function container(extra: Json = {}): Json {
  return { name: 'app', image: 'busybox:1.36', ...extra };
}

export function podManifest(spec: Json = {}, metadata: Json = {}): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...metadata }, spec: { containers: [container()], ...spec } };
}

/** The manifest decoded, with the request's namespace filled in as the registry does. */
export function decode(manifest: Json): { info: ResourceInfo; object: AnyObject } {
  const { info, object } = decodeManifest(manifest);
  if (info.namespaced) {
    object.metadata ??= {};
    object.metadata.namespace ||= 'default';
  }
  return { info, object };
}

export function defaulted(manifest: Json): { info: ResourceInfo; object: AnyObject } {
  const decoded = decode(manifest);
  applyDefaults(decoded.info, decoded.object);
  return decoded;
}

/** Validation messages for creating the (defaulted) manifest. */
export function createErrors(manifest: Json): string[] {
  const { info, object } = defaulted(manifest);
  return validateObject(info, object).map(String);
}

/** What the registry adds on create: identity and bookkeeping the update rules compare against. */
export function stored(manifest: Json): AnyObject {
  const { object } = defaulted(manifest);
  object.metadata = { uid: 'uid-1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5', generation: 1, ...object.metadata };
  return object;
}

/** Validation messages for replacing `oldManifest` (as stored) with `newManifest`. */
export function updateErrors(newManifest: Json, oldManifest: Json): string[] {
  const old = stored(oldManifest);
  const { info, object } = defaulted(newManifest);
  // The registry carries generation over from the stored object.
  object.metadata = { generation: old.metadata?.generation, ...object.metadata };
  return validateObjectUpdate(info, object, old).map(String);
}

/** Validation messages for a status write of `newManifest` over `oldManifest`. */
export function statusErrors(newManifest: Json, oldManifest: Json): string[] {
  const old = stored(oldManifest);
  const { info, object } = defaulted(newManifest);
  object.metadata = { ...old.metadata, ...object.metadata };
  return validateStatusUpdate(info, object, old).map(String);
}

// Kubernetes' format messages, spelled out once for the tests that expect them.
export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
export const QUALIFIED_NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
export const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
