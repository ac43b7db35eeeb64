import { badRequest } from '../../../../lib/api/errors.js';
import { flag, integerParam } from '../query.js';
import type { ResourceInfo } from '../../../../lib/api/resources.js';
import type { WatchOut } from '../../watch/index.js';
import { send, sendList, type Presenter, type ResourceCall } from '../call.js';
import { streamWatch } from '../watch-stream.js';

// GET on a resource: one object, a list (labelSelector, fieldSelector, limit/continue,
// resourceVersion) or, with watch=true, a stream of events.

function selectors(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
  return { labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined };
}

export async function getObject(call: ResourceCall): Promise<void> {
  send(call.res, 200, call.encoding, call.present.object(call.info, await call.ops.get(call.target)), call.scope);
}

export async function listObjects(call: ResourceCall): Promise<void> {
  const { query } = call;
  const limit = integerParam('limit', query.get('limit'));
  if (limit !== undefined && limit < 0) throw badRequest(`limit: Invalid value: ${limit}: must be greater than or equal to 0`);
  const { items, metadata } = await call.ops.list({
    ...call.target,
    ...selectors(query),
    limit,
    continueToken: query.get('continue') ?? undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
  });
  await sendList(call, call.present.list(call.info, items, metadata));
}

export function isWatch(query: URLSearchParams): boolean {
  return flag(query, 'watch');
}

/** The events of the watch a query asks for (resourceVersion, selectors, bookmarks, timeout). */
export function watchEvents(call: Pick<ResourceCall, 'ops' | 'target' | 'query' | 'abort'>): AsyncIterable<WatchOut> {
  const { query } = call;
  return call.ops.watch(
    {
      ...call.target,
      ...selectors(query),
      resourceVersion: query.get('resourceVersion') ?? undefined,
      allowWatchBookmarks: flag(query, 'allowWatchBookmarks'),
      timeoutSeconds: integerParam('timeoutSeconds', query.get('timeoutSeconds')),
    },
    call.abort,
  ).events;
}

/** A watch event's object as the presenter shows it (a bookmark carries only its resourceVersion). */
export function presentEvent(present: Presenter, info: ResourceInfo, ev: WatchOut): unknown {
  return ev.type === 'BOOKMARK' ? present.bookmark(info, ev.object) : present.object(info, ev.object);
}

export async function watchObjects(call: ResourceCall): Promise<void> {
  await streamWatch(call.res, call.info, watchEvents(call), (i, ev) => presentEvent(call.present, i, ev), call.abort, call.log);
}
