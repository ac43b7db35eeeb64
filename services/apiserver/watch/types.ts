import type { AnyObject } from '../../../lib/api/resources.js';
import type { FieldRequirement } from '../../../lib/labels/field-selector.js';
import type { Selector } from '../../../lib/labels/selector.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/**
 * One event as a watcher receives it. The same frozen instance goes to every watcher that gets
 * this type for this event, so the server can cache its encoding per instance.
 */
export interface WatchOut {
  readonly type: WatchEventType;
  readonly object: AnyObject;
  readonly revision: number;
  /**
   * The bytes storage held for object (its revision aside), when the event came from storage: the
   * server can send them spliced instead of converting and encoding the object again.
   */
  readonly stored?: Buffer;
  /**
   * For an event from the cache, what its selectors read (name, namespace, labels, selectable
   * fields), cheaper than object until someone has decoded that.
   */
  readonly view?: AnyObject;
}

export interface WatchFilter {
  /** '' = all namespaces. */
  namespace: string;
  label: Selector | undefined;
  /** A parsed field selector; its fields must have passed validateFieldSelector. */
  fields: FieldRequirement[];
}
