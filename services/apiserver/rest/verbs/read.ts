import { badRequest } from '../../../../lib/api/errors.js';
import { flag, integerParam, optionalFlag } from '../query.js';
import type { ResourceInfo } from '../../../../lib/api/resources.js';
import type { WatchOut } from '../../watch/index.js';
import { send, sendList, type Presenter, type ResourceCall } from '../call.js';
import { streamWatch } from '../watch-stream.js';

// GET on a resource: one object, a list (labelSelector, fieldSelector, limit/continue,
// resourceVersion, resourceVersionMatch) or, with watch=true, a stream of events (from a
// resourceVersion, or a watch-list with sendInitialEvents).

function selectors(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
  return { labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined };
}

/** The parameters lists and watches share that say from which state they are read. */
function versionParams(query: URLSearchParams) {
  return {
    resourceVersion: query.get('resourceVersion') ?? undefined,
    // Kubernetes takes an empty value as none.
    resourceVersionMatch: query.get('resourceVersionMatch') || undefined,
    sendInitialEvents: optionalFlag(query, 'sendInitialEvents'),
    continueToken: query.get('continue') ?? undefined,
  };
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
    ...versionParams(query),
    limit,
  });
  await sendList(call, call.present.list(call.info, items, metadata));
}

export function isWatch(query: URLSearchParams): boolean {
  return flag(query, 'watch');
}

/**
 * The events of the watch a query asks for (resourceVersion, selectors, bookmarks, timeout).
 * Kubernetes' clients resume a cut watch from the last event's resourceVersion, which objects
 * written together share here (not in Kubernetes), so a watch from a shared revision tells its
 * events again. Not over gRPC: kubets' informer resumes from the revision before, whose events
 * told again would take back what it has seen since, and kubets' CLI, which never resumes, would
 * print the objects of a list's shared revision twice.
 */
export function watchEvents(call: Pick<ResourceCall, 'ops' | 'target' | 'query' | 'abort'>): AsyncIterable<WatchOut> {
  const { query } = call;
  return call.ops.watch(
    {
      ...call.target,
      ...selectors(query),
      ...versionParams(query),
      allowWatchBookmarks: flag(query, 'allowWatchBookmarks'),
      timeoutSeconds: integerParam('timeoutSeconds', query.get('timeoutSeconds')),
      replaySharedRevision: true,
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
