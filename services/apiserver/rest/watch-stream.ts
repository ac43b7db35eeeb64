import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import type { WatchOut } from '../watch/index.js';
import { apiErrorOf, internalError, statusOf } from './status.js';

// A watch as Kubernetes streams it over HTTP: one chunked response, one WatchEvent JSON document
// per line ({"type":"ADDED","object":{...}}), ended by the server at timeoutSeconds or by the
// client closing the connection. A failure after the first event arrives as an ERROR event.

export type EventObject = (info: ResourceInfo, event: WatchOut) => unknown;

export async function streamWatch(
  res: ServerResponse,
  info: ResourceInfo,
  events: AsyncIterable<WatchOut>,
  encodeObject: EventObject,
  abort: AbortController,
  log: Logger,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  try {
    for await (const ev of events) {
      const line = JSON.stringify({ type: ev.type, object: encodeObject(info, ev) }) + '\n';
      if (!res.write(line)) await Promise.race([once(res, 'drain'), once(abort.signal, 'abort')]);
      if (abort.signal.aborted) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) {
      const apiErr = apiErrorOf(err);
      if (!apiErr) log.error({ err, resource: info.resource }, 'watch failed');
      res.write(JSON.stringify({ type: 'ERROR', object: statusOf(apiErr ?? internalError(err)) }) + '\n');
    }
  }
  res.end();
}
