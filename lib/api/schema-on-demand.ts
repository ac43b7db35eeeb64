import protobuf from 'protobufjs';
import { makeCodecsLazy, type MessageFieldTest } from './lazy-codecs.js';

// Building the whole schema (about 700 messages and 2,700 fields: every one made, its features
// and type references resolved) costs a CLI call more CPU than anything else it does, and a call
// touches a small part of it: `get pods` decodes a list of Pods and encodes one request. Here each
// message, enum and service is built the first time a lookup reaches it, and its fields are
// resolved when its codecs are first made or when a reader asks (`resolvedTypeOf`), not before.
// The objects built are those protobufjs builds from the same JSON (lib/api/schema-on-demand.test.ts
// compares every one), so encoding and decoding do not change.

type NestedJSON = Record<string, protobuf.AnyNestedObject>;

interface NestedNamespace {
  nested?: Record<string, protobuf.ReflectionObject>;
  /** protobufjs' edition of a top-level definition, set when its package adds it. */
  _edition?: string | null;
  _resolveFeaturesRecursive(edition: string | null | undefined): unknown;
}

/** A root holding `nested` (protobufjs JSON, as `toJSON` writes it), each definition built on first use. */
export function rootOnDemand(nested: NestedJSON): protobuf.Root {
  const root = new protobuf.Root();
  addOnDemand(root, nested, namesMessageIn(nested));
  return root;
}

/**
 * Tells from the JSON whether a field names a message, as protobufjs would resolve the name: a
 * name with a leading dot from the root, any other from the field's message outwards.
 */
function namesMessageIn(nested: NestedJSON): MessageFieldTest {
  let messages: Set<string> | undefined;
  return (field) => {
    messages ??= messageNames(nested, '', new Set());
    const name = field.type;
    if (name.startsWith('.')) return messages.has(name.slice(1));
    let scope = (field.declaringField?.parent ?? field.parent)?.fullName.slice(1);
    while (scope !== undefined) {
      if (messages.has(scope ? `${scope}.${name}` : name)) return true;
      scope = scope ? scope.slice(0, Math.max(0, scope.lastIndexOf('.'))) : undefined;
    }
    return undefined;
  };
}

/** The full names (without the leading dot) of every message in `nested`, nested messages included. */
function messageNames(nested: NestedJSON, prefix: string, into: Set<string>): Set<string> {
  for (const [name, json] of Object.entries(nested)) {
    const fullName = prefix ? `${prefix}.${name}` : name;
    if ('fields' in json) into.add(fullName);
    if ('nested' in json && json.nested) messageNames(json.nested, fullName, into);
  }
  return into;
}

function isPackage(json: protobuf.AnyNestedObject): json is protobuf.INamespace {
  return !('fields' in json) && !('values' in json) && !('methods' in json) && !('id' in json);
}

function addOnDemand(ns: protobuf.Namespace, nested: NestedJSON, namesMessage: MessageFieldTest): void {
  for (const [name, json] of Object.entries(nested)) {
    if (isPackage(json)) {
      const pkg = new protobuf.Namespace(name, json.options);
      ns.add(pkg);
      addOnDemand(pkg, json.nested ?? {}, namesMessage);
    } else addWhenLookedUp(ns, name, json, namesMessage);
  }
}

function build(name: string, json: protobuf.AnyNestedObject): protobuf.ReflectionObject {
  if ('fields' in json) return protobuf.Type.fromJSON(name, json);
  if ('values' in json) return protobuf.Enum.fromJSON(name, json);
  if ('methods' in json) return protobuf.Service.fromJSON(name, json as protobuf.IService);
  throw new Error(`kubets: schema entry ${name} is neither a message, an enum nor a service`);
}

/**
 * Puts `name` in its namespace as an accessor that builds the definition when first read. The
 * namespace then adds it the ordinary way (`add` writes through the setter, so the entry keeps its
 * place and its own iteration order), and it gets what resolving the whole root would have given
 * it before any lookup returns it: its editions features and lazy codecs.
 */
function addWhenLookedUp(ns: protobuf.Namespace, name: string, json: protobuf.AnyNestedObject, namesMessage: MessageFieldTest): void {
  let built: protobuf.ReflectionObject | undefined;
  let building = false;
  const entries = ((ns as unknown as NestedNamespace).nested ??= {});
  Object.defineProperty(entries, name, {
    enumerable: true,
    configurable: true,
    get() {
      if (built === undefined && !building) {
        building = true;
        const object = build(name, json);
        ns.add(object);
        const withFeatures = object as unknown as NestedNamespace;
        withFeatures._resolveFeaturesRecursive(withFeatures._edition);
        if (object instanceof protobuf.Type) makeCodecsLazy(object, namesMessage);
      }
      return built;
    },
    set(value: protobuf.ReflectionObject) {
      built = value;
    },
  });
}

/**
 * The message or enum type of a field, resolving the field first: with a schema built on demand a
 * field is resolved only when its type's codecs are made, and reading `resolvedType` directly
 * would see null for a message field nothing has encoded yet.
 */
export function resolvedTypeOf(field: protobuf.Field): protobuf.Type | protobuf.Enum | null {
  return field.resolve().resolvedType;
}
