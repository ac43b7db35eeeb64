import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type * as t from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { ApiOperations, ListedObject, Target } from '../operations.js';
import { warningHeader } from '../../../lib/api/warnings.js';
import type { RequestScope } from '../request-scope.js';
import { duplicateFields } from './duplicate-fields.js';
import { wholeList, writeJsonList, writeKubeProtobufList, type ListDocument } from './list-response.js';
import { bodyType, isYamlType, parseBody, readBodyBytes, serialize, type Encoding } from './negotiation.js';
import { PROTOBUF_TYPE } from './kube-protobuf.js';
import { decodeObject, fieldValidationOf } from './objects.js';
import type { ServiceProxyTarget } from './routes.js';
import { parseObjectJSON, typeMetaObject } from './type-meta.js';

/** One HTTP request on a resource, as the verb handlers see it. */
export interface ResourceCall {
  req: IncomingMessage;
  res: ServerResponse;
  ops: ApiOperations;
  info: ResourceInfo;
  /** Carries the request's scope to the operations. */
  target: Target;
  /** The request's user, warnings and audit notes (request-scope.ts). */
  scope: RequestScope;
  subresource?: string;
  /** Where a services/<name>/proxy/<path> request goes. */
  proxy?: ServiceProxyTarget;
  query: URLSearchParams;
  /** How the response is written: JSON, YAML or protobuf. */
  encoding: Encoding;
  /** Aborted when the client goes away. */
  abort: AbortController;
  /** What objects become in the response: their JSON, or Table rows. */
  present: Presenter;
  /** Relays a pod's log stream from its kubelet (the gRPC Logs call's proxy). */
  logs: LogRelay;
  log: Logger;
  /** Authorizes the call as `verb` on its resource (throws Forbidden); set up by the server. */
  authorize(verb: string): void;
  /** Write admission by identity (NodeRestriction, RBAC escalation) for the object or patch sent. */
  admit(object?: AnyObject | t.TokenRequest, patch?: { type: string; text: string }): void;
}

export type LogRelay = (req: t.LogsRequest, out: Writable, signal: AbortSignal) => Promise<void>;

export interface Presenter {
  object(info: ResourceInfo, object: AnyObject): unknown;
  /** A watch bookmark: only the resourceVersion it carries matters. */
  bookmark(info: ResourceInfo, object: AnyObject): unknown;
  list(info: ResourceInfo, entries: readonly ListedObject[], metadata: t.ListMeta): ListDocument;
}

/** A response's headers, with the warnings the request's scope gathered (Warning headers). */
function responseHeaders(contentType: string, scope: RequestScope | undefined): OutgoingHttpHeaders {
  const warnings = [...(scope?.warnings ?? [])].map(warningHeader);
  return { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', ...(warnings.length > 0 && { Warning: warnings }) };
}

/** Writes the response, with the warnings the request's scope gathered. */
export function send(res: ServerResponse, code: number, encoding: Encoding, body: unknown, scope?: RequestScope): void {
  const { bytes, contentType } = serialize(encoding, body);
  res.writeHead(code, { ...responseHeaders(contentType, scope), 'Content-Length': Buffer.byteLength(bytes) });
  res.end(bytes);
}

/** Writes a list: as JSON item by item, in protobuf from its items' encodings (list-response.ts), as YAML whole. */
export async function sendList(call: Pick<ResourceCall, 'res' | 'encoding' | 'scope'>, doc: ListDocument): Promise<void> {
  if (call.encoding === 'json') return writeJsonList(call.res, doc, responseHeaders('application/json', call.scope));
  if (call.encoding === 'protobuf' && (await writeKubeProtobufList(call.res, doc, responseHeaders(PROTOBUF_TYPE, call.scope)))) return;
  send(call.res, 200, call.encoding, wholeList(doc), call.scope);
}

/** The parsed body of a request (JSON, YAML or protobuf, by its Content-Type). */
export async function requestBody(call: ResourceCall): Promise<unknown> {
  return parseBody(await readBodyBytes(call.req), bodyType(call.req));
}

/** Kubernetes' Warning response headers (code 299), which kubectl prints as `Warning: <text>`. */
export function addWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  const previous = res.getHeader('Warning');
  const existing = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  res.setHeader('Warning', [...existing, ...warnings.map((w) => `299 - ${JSON.stringify(w)}`)]);
}

/** The body read as Kubernetes' decoder reads a create or update: an object whose apiVersion and kind can be read. */
function objectBody(call: ResourceCall, raw: Buffer, type: string): Record<string, unknown> {
  return type === 'application/json' ? parseObjectJSON(call.info, raw) : typeMetaObject(call.info, parseBody(raw, type), raw);
}

/**
 * The request's object of the route's kind, under its fieldValidation: unknown and duplicate
 * fields refused (Strict), or dropped with a Warning header each (Warn, the default), or dropped.
 */
export async function requestObject(call: ResourceCall, type = bodyType(call.req)): Promise<{ body: unknown; object: AnyObject }> {
  const raw = await readBodyBytes(call.req);
  const body = objectBody(call, raw, type);
  const validation = fieldValidationOf(call.query);
  // A protobuf message has no duplicate keys to look for: a repeated field number is last-wins by design.
  const duplicates = validation === 'Ignore' || type === PROTOBUF_TYPE ? [] : duplicateFields(raw.toString('utf8'), isYamlType(type));
  const { object, warnings } = decodeObject(call.info, body, validation, duplicates);
  addWarnings(call.res, warnings);
  return { body, object };
}
