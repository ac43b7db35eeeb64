import protobuf from 'protobufjs';
import { lookupMessage, toObjectOptions } from '../../../lib/api/proto.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { selectionPaths } from './fields.js';

// The watch cache decides which watchers get an event from a few fields of the object (namespace,
// labels, the selectable fields), while the whole object is needed only by a reader: a list, a
// get, or a watcher that cannot be sent the stored bytes. Decoding just those fields skips the
// bulk of an object (a pod's containers, its managed fields) at the price of walking its tags.

/** Decodes stored bytes (one kind's storage envelope) into an object holding only the selection paths. */
export type SelectionDecoder = (stored: Uint8Array) => AnyObject;

type PathTree = Map<string, PathTree | 'whole'>;

function treeOf(paths: readonly string[]): PathTree {
  const tree: PathTree = new Map();
  for (const path of paths) {
    const parts = path.split('.');
    let node = tree;
    for (const [i, part] of parts.entries()) {
      const existing = node.get(part);
      if (existing === 'whole') break;
      if (i === parts.length - 1) {
        node.set(part, 'whole');
        break;
      }
      let next = existing;
      if (!next) node.set(part, (next = new Map()));
      node = next;
    }
  }
  return tree;
}

/**
 * Copies of schema types into a separate root: a pruned copy keeps only a path tree's fields, a
 * whole copy keeps every field (and copies the types it refers to). Unknown fields are skipped by
 * protobuf decoders, so the pruned copies decode the same bytes into less.
 */
class SchemaCopier {
  readonly root = new protobuf.Root();
  private readonly ns = this.root.define('selection');

  add(type: protobuf.Type): void {
    this.ns.add(type);
  }
  private readonly wholeCopies = new Map<protobuf.ReflectionObject, string>();
  private count = 0;

  private newName(source: protobuf.ReflectionObject): string {
    return `${source.name}_${this.count++}`;
  }

  private typeRef(field: protobuf.Field, sub: PathTree | 'whole'): string {
    const resolved = field.resolve().resolvedType;
    if (resolved instanceof protobuf.Type) return sub === 'whole' ? this.wholeCopy(resolved) : this.prunedCopy(resolved, sub);
    if (resolved instanceof protobuf.Enum) return this.enumCopy(resolved);
    if (sub !== 'whole') throw new Error(`${field.fullName} is a scalar, not a message`);
    return field.type;
  }

  private addField(target: protobuf.Type, field: protobuf.Field, sub: PathTree | 'whole'): void {
    const type = this.typeRef(field, sub);
    const copy = field instanceof protobuf.MapField ? new protobuf.MapField(field.name, field.id, field.keyType, type) : new protobuf.Field(field.name, field.id, type, field.repeated ? 'repeated' : undefined);
    // Repeated scalars are packed by default in proto3 and protobufjs reads either form, so the
    // copy decodes whatever the original wrote.
    target.add(copy);
  }

  private enumCopy(source: protobuf.Enum): string {
    let name = this.wholeCopies.get(source);
    if (!name) {
      name = this.newName(source);
      this.wholeCopies.set(source, name);
      this.ns.add(new protobuf.Enum(name, { ...source.values }));
    }
    return `.selection.${name}`;
  }

  wholeCopy(source: protobuf.Type): string {
    let name = this.wholeCopies.get(source);
    if (!name) {
      name = this.newName(source);
      this.wholeCopies.set(source, name);
      const target = new protobuf.Type(name);
      this.ns.add(target);
      for (const field of source.fieldsArray) this.addField(target, field, 'whole');
    }
    return `.selection.${name}`;
  }

  prunedCopy(source: protobuf.Type, tree: PathTree): string {
    const target = new protobuf.Type(this.newName(source));
    this.ns.add(target);
    for (const [name, sub] of tree) {
      const field = source.fields[name];
      if (!field) throw new Error(`${source.fullName} has no field ${name}`);
      this.addField(target, field, sub);
    }
    return `.selection.${target.name}`;
  }
}

const decoders = new Map<ResourceInfo, SelectionDecoder>();

/**
 * The decoder of info's selection paths (its name, namespace, labels and selectable fields). The
 * object it returns carries only those; metadata.resourceVersion is the caller's to add.
 */
export function selectionDecoder(info: ResourceInfo): SelectionDecoder {
  let decoder = decoders.get(info);
  if (!decoder) {
    decoder = prunedDecoder(info, selectionPaths(info));
    decoders.set(info, decoder);
  }
  return decoder;
}

/**
 * A decoder of info's stored bytes into an object holding only paths (dotted field names; a
 * repeated message field's path reaches into each of its items). Building one costs a schema
 * copy: build it once.
 */
export function prunedDecoder(info: ResourceInfo, paths: readonly string[]): SelectionDecoder {
  const objectField = lookupMessage('Object').fields[info.field]!;
  const kindType = objectField.resolve().resolvedType as protobuf.Type;
  const copier = new SchemaCopier();
  const kindName = copier.prunedCopy(kindType, treeOf(paths));
  const envelope = new protobuf.Type('Envelope').add(new protobuf.Field(info.field, objectField.id, kindName));
  copier.add(envelope);
  copier.root.resolveAll();
  const envelopeField = info.field;
  return (stored) => {
    const decoded = envelope.toObject(envelope.decode(stored), toObjectOptions) as Record<string, AnyObject | undefined>;
    const object = decoded[envelopeField];
    if (!object) throw new Error(`stored value is not a ${info.kind}`);
    return object;
  };
}
