import { badRequest } from '../../../../lib/api/errors.js';
import { flag, integerParam } from '../query.js';
import { send, type ResourceCall } from '../call.js';
import { streamWatch } from '../watch-stream.js';

// GET on a resource: one object, a list (labelSelector, fieldSelector, limit/continue,
// resourceVersion) or, with watch=true, a stream of events.

function selectors(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
  return { labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined };
}

export async function getObject(call: ResourceCall): Promise<void> {
  send(call.res, 200, call.encoding, call.present.object(call.info, await call.ops.get(call.target)));
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
  send(call.res, 200, call.encoding, call.present.list(call.info, items, metadata));
}

export function isWatch(query: URLSearchParams): boolean {
  return flag(query, 'watch');
}

export async function watchObjects(call: ResourceCall): Promise<void> {
  const { query } = call;
  const { events } = call.ops.watch(
    {
      ...call.target,
      ...selectors(query),
      resourceVersion: query.get('resourceVersion') ?? undefined,
      allowWatchBookmarks: flag(query, 'allowWatchBookmarks'),
      timeoutSeconds: integerParam('timeoutSeconds', query.get('timeoutSeconds')),
    },
    call.abort,
  );
  await streamWatch(call.res, call.info, events, (i, ev) => (ev.type === 'BOOKMARK' ? call.present.bookmark(i, ev.object) : call.present.object(i, ev.object)), call.abort, call.log);
}
