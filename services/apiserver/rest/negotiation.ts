import type { IncomingMessage } from 'node:http';
import { stringify as yamlStringify, parse as yamlParse } from 'yaml';
import { ApiError, badRequest } from '../../../lib/api/errors.js';
import { parseJson } from '../../../lib/api/go-json-syntax.js';
import { MAX_OBJECT_BYTES } from '../registry/registry.js';
import { decodeKubeProtobuf, encodeKubeProtobuf, hasKubeProtobuf, PROTOBUF_TYPE } from './kube-protobuf.js';

// Content negotiation: request bodies in JSON, YAML or Kubernetes' protobuf (kube-protobuf.ts),
// responses in JSON (the default), YAML, or as a meta.k8s.io Table when the client asks for
// server-side printing. Protobuf responses are written only to a client that takes no JSON:
// kubectl's typed clients offer protobuf first and JSON after it, and they get JSON, one encoder
// for everything (Tables and watch events included).

export type Encoding = 'json' | 'yaml' | 'protobuf';

export interface ResponseFormat {
  encoding: Encoding;
  /** Objects as a meta.k8s.io/v1 Table (server-side printing) instead of themselves. */
  table: boolean;
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function mediaRanges(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    return { type: (type ?? '').toLowerCase(), params: new Map(params.map((p) => p.split('=').map((s) => s.trim()) as [string, string])) };
  });
}

/** The first format of Accept that the server can produce; protobuf only when nothing else is taken. */
export function responseFormat(accept: string | undefined): ResponseFormat {
  const ranges = mediaRanges(accept);
  for (const range of ranges) {
    if (range.type === 'application/json' || range.type === '*/*' || range.type === 'application/*') {
      const as = range.params.get('as');
      if (as === undefined) return { encoding: 'json', table: false };
      if (as === 'Table' && range.params.get('g') === 'meta.k8s.io' && (range.params.get('v') ?? 'v1') === 'v1') return { encoding: 'json', table: true };
    }
    if (range.type === 'application/yaml') return { encoding: 'yaml', table: false };
  }
  return { encoding: ranges.some((r) => r.type === PROTOBUF_TYPE) ? 'protobuf' : 'json', table: false };
}

/** Whether the client takes aggregated discovery (apidiscovery.k8s.io/v2) for /api and /apis. */
export function acceptsAggregatedDiscovery(accept: string | undefined): boolean {
  return mediaRanges(accept).some(
    (r) => r.type === 'application/json' && r.params.get('as') === 'APIGroupDiscoveryList' && r.params.get('g') === 'apidiscovery.k8s.io' && r.params.get('v') === 'v2',
  );
}

export interface Serialized {
  bytes: string | Buffer;
  contentType: string;
}

/**
 * A response body in the encoding asked for. An object protobuf has no description of (a Table,
 * a metrics kind) is written as JSON even then: Kubernetes' clients read a body by its Content-Type.
 */
export function serialize(encoding: Encoding, body: unknown): Serialized {
  if (encoding === 'yaml') return { bytes: yamlStringify(body), contentType: 'application/yaml' };
  if (encoding === 'protobuf' && isProtobufWritable(body)) return { bytes: encodeKubeProtobuf(body), contentType: PROTOBUF_TYPE };
  return { bytes: JSON.stringify(body), contentType: 'application/json' };
}

function isProtobufWritable(body: unknown): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return false;
  const { apiVersion, kind } = body as Record<string, unknown>;
  return typeof apiVersion === 'string' && typeof kind === 'string' && hasKubeProtobuf(apiVersion, kind);
}

/** The media type of a request body, without parameters. */
export function bodyType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** Reads the body whole as text; refused above the object size limit, as the gRPC API refuses it. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

/** Reads the body whole as bytes (a protobuf body); refused above the object size limit. */
export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_OBJECT_BYTES) throw new ApiError('RequestEntityTooLarge', `Request entity too large: limit is ${MAX_OBJECT_BYTES}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES = new Set(['application/json', 'application/yaml', 'application/apply-patch+yaml']);

export function isYamlType(type: string): boolean {
  return type === 'application/yaml' || type === 'application/apply-patch+yaml';
}

/**
 * Parses a JSON, YAML or protobuf body into a value in Kubernetes' JSON shape; an empty body is
 * refused. Any other type (CBOR) is refused as 415, on which Kubernetes' Go client falls back to JSON.
 */
export function parseBody(raw: Buffer | string, type: string): unknown {
  if (type === PROTOBUF_TYPE && raw.length > 0) return decodeKubeProtobuf(Buffer.from(raw)).object;
  if (!TEXT_TYPES.has(type) && type !== PROTOBUF_TYPE) {
    throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${[...TEXT_TYPES, PROTOBUF_TYPE].join(', ')}`);
  }
  const text = raw.toString();
  if (text.trim() === '') throw badRequest('the request carries no object');
  try {
    // Duplicate keys are found apart (duplicate-fields.ts), so that fieldValidation decides about them.
    // A JSON syntax error is in Go's words, as Kubernetes reports it (go-json-syntax.ts).
    return isYamlType(type) ? yamlParse(text, { uniqueKeys: false }) : parseJson(text);
  } catch (err) {
    throw badRequest(`error decoding ${type === 'application/yaml' ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}`);
  }
}
