import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { lookupMessage } from '../../../lib/api/proto.js';
import { resources, type AnyObject, type ResourceInfo } from '../../../lib/api/resources.js';
import { decodeFromStorage, encodeForStorage } from '../storage/codec.js';
import { objectFields } from './fields.js';
import { selectionDecoder } from './selection-decoder.js';

/** A value for every field of type, down to depth, each distinct by its path (one item per list and map). */
function filled(type: protobuf.Type, path: string, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = fieldValue(field, `${path}.${field.name}`, depth);
    if (value === undefined) continue;
    if (field.map) out[field.name] = { [`key-${field.name}`]: value };
    else out[field.name] = field.repeated ? [value] : value;
  }
  return out;
}

function fieldValue(field: protobuf.Field, path: string, depth: number): unknown {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Type) return depth > 0 ? filled(resolved, path, depth - 1) : undefined;
  if (resolved instanceof protobuf.Enum) return Object.values(resolved.values).at(-1);
  switch (field.type) {
    case 'string':
      return `v${path}`;
    case 'bool':
      return true;
    case 'bytes':
      return Buffer.from(path);
    case 'double':
    case 'float':
      return 1.5;
    default:
      return 7;
  }
}

const stored = resources.filter((r) => r.stored);

function kindType(info: ResourceInfo): protobuf.Type {
  return lookupMessage('Object').fields[info.field]!.resolve().resolvedType as protobuf.Type;
}

function bothWays(info: ResourceInfo, object: AnyObject): { full: AnyObject; view: AnyObject } {
  const value = encodeForStorage(info, object);
  return { full: decodeFromStorage(info, { key: 'k', value, modRevision: 5, createRevision: 5, version: 1 }), view: selectionDecoder(info)(value) };
}

describe('selectionDecoder', () => {
  it.each(stored.map((info) => [info.kind, info] as const))('%s: selects as the whole object does, every field set', (_kind, info) => {
    const { full, view } = bothWays(info, filled(kindType(info), '', 6) as AnyObject);
    expect(objectFields(info, view)).toEqual(objectFields(info, full));
    expect(view.metadata?.labels).toEqual(full.metadata?.labels);
    expect(view.metadata?.namespace).toEqual(full.metadata?.namespace);
  });

  it.each(stored.map((info) => [info.kind, info] as const))('%s: selects as the whole object does, nothing set', (_kind, info) => {
    const { full, view } = bothWays(info, { metadata: { name: 'n' } } as AnyObject);
    expect(objectFields(info, view)).toEqual(objectFields(info, full));
    expect(view.metadata?.labels).toEqual(full.metadata?.labels);
  });

  it('leaves out what selection does not need', () => {
    const pods = stored.find((r) => r.kind === 'Pod')!;
    const pod = {
      metadata: { name: 'p', namespace: 'ns', labels: { app: 'a' }, annotations: { note: 'x' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] },
      status: { phase: 'Running' },
    } as AnyObject;
    const { view } = bothWays(pods, pod);
    expect(view).toEqual({ metadata: { name: 'p', namespace: 'ns', labels: { app: 'a' } }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
  });

  it('refuses bytes of another kind', () => {
    const [pods, nodes] = [stored.find((r) => r.kind === 'Pod')!, stored.find((r) => r.kind === 'Node')!];
    expect(() => selectionDecoder(pods)(encodeForStorage(nodes, { metadata: { name: 'n' } } as AnyObject))).toThrow(/not a Pod/);
  });
});
