import { wrap, type Envelope } from '../../lib/api/envelope.js';
import { fromStoredVersion } from '../../lib/api/conversion/index.js';
import type { AnyObject, ResourceInfo } from '../../lib/api/resources.js';

/**
 * The object as the apiserver sends it: with apiVersion and kind, which storage leaves out (the
 * key implies them) but which a client that decodes the kind's message alone needs to tell what
 * it holds. A stored object is converted to the version the request asked for (info's). A shallow
 * copy: objects from the watch cache are shared and frozen.
 */
export function withTypeMeta(info: ResourceInfo, object: AnyObject): AnyObject {
  return { ...fromStoredVersion(info, object), apiVersion: info.apiVersion, kind: info.kind } as AnyObject;
}

/** The wire envelope of an object the apiserver sends. */
export function wireObject(info: ResourceInfo, object: AnyObject): Envelope {
  return wrap(info.field, withTypeMeta(info, object) as never);
}
