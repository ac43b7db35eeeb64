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
export function makeCodecsLazy(ns: protobuf.NamespaceBase, namesMessage?: MessageFieldTest): void {
  const types = ns instanceof protobuf.Type ? [ns, ...messageTypes(ns)] : messageTypes(ns);
  for (const type of types) if (!WRAPPED.has(type.fullName)) makeTypeLazy(type, namesMessage);
}

/**
 * Whether a field's type is a message, told without building that message (a schema built on
 * demand reads it from the JSON); undefined when it cannot tell.
 */
export type MessageFieldTest = (field: protobuf.Field) => boolean | undefined;

// What a generator sees as the type of a message field whose type is not built yet: protobufjs'
// generators ask only whether a field has a type and whether it is an enum, and the generated
// code reaches the real type through types[i] when a message of that field turns up.
const UNBUILT_MESSAGE = Object.freeze({});

/**
 * Runs `run` with every message field not yet resolved standing in as resolved, its type unbuilt;
 * `run` gets those fields. A pod list's Pods carry a fraction of the fields their types declare
 * (the list envelope alone declares every kind), and building the type of every declared message
 * field, recursively as each codec is made, built several times the types the data reaches. A
 * field being resolved already has its type and is left alone (resolving a field puts its
 * default on its message's prototype, which can make the constructor).
 */
function withMessageFieldsUnbuilt<T>(fields: protobuf.Field[], namesMessage: MessageFieldTest, run: (standIns: protobuf.Field[]) => T): T {
  const standIns = fields.filter((field) => !field.resolved && field.resolvedType === null && namesMessage(field) === true);
  for (const field of standIns) {
    field.resolved = true;
    field.resolvedType = UNBUILT_MESSAGE as protobuf.Type;
  }
  try {
    return run(standIns);
  } finally {
    for (const field of standIns) {
      field.resolved = false;
      field.resolvedType = null;
    }
  }
}

/** The fields' types as generated code reads them (types[i]), each resolved when first read. */
function typesOnFirstRead(fields: protobuf.Field[]): unknown[] {
  const types: unknown[] = [];
  fields.forEach((field, i) => {
    Object.defineProperty(types, i, {
      configurable: true,
      enumerable: true,
      get() {
        const type = field.resolve().resolvedType;
        Object.defineProperty(types, i, { value: type, writable: true, enumerable: true });
        return type;
      },
    });
  });
  return types;
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
function settle(type: protobuf.Type, name: CodecName | 'ctor', value: unknown, namesMessage: MessageFieldTest | undefined): void {
  delete (type as unknown as Record<string, unknown>)[name];
  if (name !== 'ctor') {
    Object.defineProperty(type, name, { value, writable: true, configurable: true });
    return;
  }
  const ctor = value as protobuf.Constructor<object>;
  if (!namesMessage) {
    type.ctor = ctor;
    return;
  }
  // The setter resolves every field to put its default value on the prototype; a message field
  // gets the default resolving would give it (null, or the shared empty list or map) unresolved.
  withMessageFieldsUnbuilt(type.fieldsArray, namesMessage, (standIns) => {
    type.ctor = ctor;
    const prototype = ctor.prototype as Record<string, unknown>;
    for (const field of standIns) prototype[field.name] = field.map ? util.emptyObject : field.repeated ? util.emptyArray : null;
  });
}

function makeTypeLazy(type: protobuf.Type, namesMessage: MessageFieldTest | undefined): void {
  let fieldTypes: unknown[] | undefined;
  // The generated functions reach nested messages as types[i], one per field in declaration order.
  const types = (): unknown[] =>
    (fieldTypes ??= namesMessage ? typesOnFirstRead(type.fieldsArray) : type.fieldsArray.map((field) => field.resolve().resolvedType));
  // Every field is resolved (or stood in for) before the generator runs: a generator that saw a
  // message field unresolved (a schema built on demand resolves them only here) would treat it as
  // a scalar and copy the nested message unconverted (int64 values as Long objects).
  const generated = (generator: (t: protobuf.Type) => protobuf.Codegen, scope: Record<string, unknown> = {}) => () => {
    const fields = types();
    const generate = () => generator(type)({ ...scope, types: fields, util });
    if (!namesMessage) return generate();
    return withMessageFieldsUnbuilt(type.fieldsArray, namesMessage, () => {
      for (const field of type.fieldsArray) field.resolve();
      return generate();
    });
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
        settle(type, name, build[name](), namesMessage);
        return type[name];
      },
      // protobufjs' own setup (which verify() still runs) assigns all of them.
      set(value: unknown) {
        settle(type, name, value, namesMessage);
      },
    });
  }
  Object.defineProperty(type, 'ctor', {
    configurable: true,
    get() {
      settle(type, 'ctor', constructorFor(type), namesMessage);
      return type.ctor;
    },
    set(value: unknown) {
      settle(type, 'ctor', value, namesMessage);
    },
  });
}
