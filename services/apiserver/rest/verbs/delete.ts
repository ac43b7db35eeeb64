import { isApiError } from '../../../../lib/api/errors.js';
import type * as t from '../../../../lib/api/generated/index.js';
import type { AnyObject } from '../../../../lib/api/resources.js';
import { deleteOptions } from '../objects.js';
import { bodyType, parseBody, readBodyBytes } from '../negotiation.js';
import { send, sendList, type ResourceCall } from '../call.js';

// DELETE of one object, or of every object a list's selectors match (deletecollection), with
// DeleteOptions from the body and the query (gracePeriodSeconds, propagationPolicy, dryRun).

async function optionsOf(call: ResourceCall): Promise<t.DeleteOptions> {
  const raw = await readBodyBytes(call.req);
  return deleteOptions(raw.toString('utf8').trim() === '' ? undefined : parseBody(raw, bodyType(call.req)), call.query);
}

export async function deleteObject(call: ResourceCall): Promise<void> {
  const deleted = await call.ops.delete(call.target, await optionsOf(call));
  send(call.res, 200, call.encoding, call.present.object(call.info, deleted), call.scope);
}

export async function deleteCollection(call: ResourceCall): Promise<void> {
  const options = await optionsOf(call);
  const { query } = call;
  const { info, items, metadata } = await call.ops.list({
    ...call.target,
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
  });
  const deleted: AnyObject[] = [];
  for (const { object } of items) {
    try {
      deleted.push(await call.ops.delete({ ...call.target, namespace: object.metadata?.namespace, name: object.metadata?.name }, options));
    } catch (err) {
      // Deleted by someone else since the list: that is what was asked for.
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
  await sendList(call, call.present.list(info, deleted.map((object) => ({ object })), { resourceVersion: metadata.resourceVersion }));
}
