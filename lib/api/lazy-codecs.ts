import protobuf from 'protobufjs';

// protobufjs writes and compiles JavaScript for each message type: a constructor for every type
// while the schema is resolved, and on first use of a type its encode, decode, verify, fromObject
// and toObject, all five at once. A CLI call decodes one list and encodes one request, so most of
// that compiling is for functions it never calls; here each type gets each function when it is
// first called, and a constructor that needs no compiling. Types protobufjs wraps (like
// google.protobuf.Any) keep its own path.

const { Reader, Writer, util } = protobuf;
const WRAPPED = new Set(Object.keys(protobuf.wrappers));

type CodecName = 'encode' | 'decode' | 'fromObject' | 'toObject';

/** Every message type under `ns`, nested ones included. */
function messageTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.flatMap((n) => [...(n instanceof protobuf.Type ? [n] : []), ...(n instanceof protobuf.Namespace ? messageTypes(n) : [])]);
}

/**
 * Call before `ns` (a root, or a type with its nested types) is resolved, so resolving does not
 * make every type's constructor, and after it has its place in the root (its full name decides).
 */
export function makeCodecsLazy(ns: protobuf.NamespaceBase): void {
  const types = ns instanceof protobuf.Type ? [ns, ...messageTypes(ns)] : messageTypes(ns);
  for (const type of types) if (!WRAPPED.has(type.fullName)) makeTypeLazy(type);
}

/**
 * What protobufjs' generated constructor does (maps and repeated fields get their own empty
 * value, then the given properties are copied), as one closure instead of one compiled function
 * per type.
 */
function constructorFor(type: protobuf.Type): protobuf.Constructor<object> {
  const maps = type.fieldsArray.filter((f) => f.map).map((f) => f.name);
  const lists = type.fieldsArray.filter((f) => !f.map && f.repeated).map((f) => f.name);
  return function Message(this: Record<string, unknown>, properties?: Record<string, unknown>) {
    for (const name of maps) this[name] = {};
    for (const name of lists) this[name] = [];
    if (properties) for (const key of Object.keys(properties)) if (properties[key] != null && key !== '__proto__') this[key] = properties[key];
  } as unknown as protobuf.Constructor<object>;
}

/** Replaces an own property by a plain value; protobufjs' prototype setter runs for `ctor`. */
function settle(type: protobuf.Type, name: CodecName | 'ctor', value: unknown): void {
  delete (type as unknown as Record<string, unknown>)[name];
  if (name === 'ctor') type.ctor = value as protobuf.Constructor<object>;
  else Object.defineProperty(type, name, { value, writable: true, configurable: true });
}

function makeTypeLazy(type: protobuf.Type): void {
  let fieldTypes: unknown[] | undefined;
  // The generated functions reach nested messages as types[i], one per field in declaration order.
  const types = (): unknown[] => (fieldTypes ??= type.fieldsArray.map((field) => field.resolve().resolvedType));
  // types() runs before the generator: it resolves the fields, and a generator that saw a message
  // field unresolved (a schema built on demand resolves them only here) would treat it as a
  // scalar and copy the nested message unconverted (int64 values as Long objects).
  const generated = (generator: (t: protobuf.Type) => protobuf.Codegen, scope: Record<string, unknown> = {}) => () => {
    const fields = types();
    return generator(type)({ ...scope, types: fields, util });
  };
  const build: Record<CodecName, () => unknown> = {
    encode: generated(protobuf.encoder, { Writer }),
    decode: generated(protobuf.decoder, { Reader }),
    fromObject: generated(protobuf.converter.fromObject),
    toObject: generated(protobuf.converter.toObject),
  };

  for (const name of Object.keys(build) as CodecName[]) {
    Object.defineProperty(type, name, {
      configurable: true,
      get() {
        settle(type, name, build[name]());
        return type[name];
      },
      // protobufjs' own setup (which verify() still runs) assigns all of them.
      set(value: unknown) {
        settle(type, name, value);
      },
    });
  }
  Object.defineProperty(type, 'ctor', {
    configurable: true,
    get() {
      settle(type, 'ctor', constructorFor(type));
      return type.ctor;
    },
    set(value: unknown) {
      settle(type, 'ctor', value);
    },
  });
}
