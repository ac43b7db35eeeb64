import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type * as t from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { ApiOperations, Target } from '../operations.js';
import { bodyType, contentType, parseBody, readBody, serialize, type ResponseFormat } from './negotiation.js';

/** One HTTP request on a resource, as the verb handlers see it. */
export interface ResourceCall {
  req: IncomingMessage;
  res: ServerResponse;
  ops: ApiOperations;
  info: ResourceInfo;
  target: Target;
  subresource?: string;
  query: URLSearchParams;
  format: ResponseFormat;
  /** Aborted when the client goes away. */
  abort: AbortController;
  /** How objects leave the server in the negotiated format (their JSON, or Table rows). */
  present: Presenter;
  log: Logger;
}

export interface Presenter {
  object(info: ResourceInfo, object: AnyObject): unknown;
  /** A watch bookmark: only the resourceVersion it carries matters. */
  bookmark(info: ResourceInfo, object: AnyObject): unknown;
  list(info: ResourceInfo, items: readonly AnyObject[], metadata: t.ListMeta): unknown;
}

export function send(res: ServerResponse, code: number, format: ResponseFormat, body: unknown): void {
  const text = serialize(format, body);
  res.writeHead(code, { 'Content-Type': contentType(format), 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** The parsed body of a request (JSON or YAML, by its Content-Type). */
export async function requestBody(call: ResourceCall): Promise<unknown> {
  return parseBody(await readBody(call.req), bodyType(call.req));
}
