import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { projectRoot, protoDirs } from '../paths.js';
import type { Object as ApiObjectEnvelope } from './generated/index.js';
import { makeCodecsLazy } from './lazy-codecs.js';
import { schemaBuiltOnDemand } from './schema-build.js';
import { rootOnDemand } from './schema-on-demand.js';

interface ProtoOptions {
  keepCase: boolean;
  longs: 'Number' | 'String';
  enums: 'String';
  defaults: boolean;
  oneofs: boolean;
}

// The same options drive type generation (scripts/gen-types.mjs) and every encode/decode here,
// gRPC's included, so both agree on the shape of a decoded message.
const optionsFile = JSON.parse(readFileSync(join(projectRoot, 'lib/api/proto-options.json'), 'utf8')) as ProtoOptions;

export const toObjectOptions: protobuf.IConversionOptions = {
  longs: optionsFile.longs === 'Number' ? Number : String,
  enums: String,
  bytes: Buffer as unknown as ArrayConstructor,
  defaults: optionsFile.defaults,
  oneofs: optionsFile.oneofs,
};

// Parsing the .proto text takes a few hundred milliseconds, which every CLI call would pay, so
// `npm run gen` stores the parsed schema as protobufjs JSON and processes load that, once, when
// they first encode or decode.
const SCHEMA_FILE = join(projectRoot, 'lib/api/generated/schema.json');

let root: protobuf.Root | undefined;

/** The whole schema, with comments (for `kubets explain`). */
export function protoRoot(): protobuf.Root {
  root ??= loadSchema();
  return root;
}

function loadSchema(): protobuf.Root {
  const built = mtimeOf(SCHEMA_FILE);
  if (built === undefined) throw new Error(`kubets: ${SCHEMA_FILE} is missing: run npm run gen`);
  const stale = protoDirs.flatMap(protoSources).find((file) => (mtimeOf(file) ?? 0) > built);
  if (stale) throw new Error(`kubets: ${SCHEMA_FILE} is older than ${stale}: run npm run gen`);
  const nested = (JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as protobuf.INamespace).nested ?? {};
  if (schemaBuiltOnDemand()) return rootOnDemand(nested);
  // Not Root.fromJSON, which resolves at once: the lazy codecs go in first.
  const loaded = new protobuf.Root();
  loaded.addJSON(nested);
  makeCodecsLazy(loaded);
  loaded.resolveAll();
  return loaded;
}

function mtimeOf(file: string): number | undefined {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

function protoSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return protoSources(path);
    return entry.name.endsWith('.proto') ? [path] : [];
  });
}

// protobufjs walks its namespace tree on every lookup; the hot paths ask for the same few types.
const messages = new Map<string, protobuf.Type>();

/** A message type by its full name (`kubets.v1.Pod`, `grpc.health.v1.HealthCheckRequest`), looked up once. */
export function lookupType(fullName: string): protobuf.Type {
  let type = messages.get(fullName);
  if (!type) messages.set(fullName, (type = protoRoot().lookupType(fullName)));
  return type;
}

export function lookupMessage(name: string): protobuf.Type {
  return lookupType(`kubets.v1.${name}`);
}

/**
 * Encodes the storage and wire envelope of one object. The envelope is encoded as it is, without
 * protobufjs' fromObject copy first: the objects here are decoded or typed messages (numbers for
 * int64, Buffers for bytes, and the envelope holds no enum), whose bytes the copy does not change,
 * while it costs a walk and an allocation for every message of the object.
 */
export function encodeObject(envelope: ApiObjectEnvelope): Buffer {
  const bytes = lookupMessage('Object').encode(envelope).finish();
  // Under Node protobufjs already writes into a Buffer of its own: no second copy.
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}

export function decodeObject(bytes: Uint8Array): ApiObjectEnvelope {
  const objectType = lookupMessage('Object');
  return objectType.toObject(objectType.decode(bytes), toObjectOptions) as ApiObjectEnvelope;
}

export type ServiceName =
  | 'kubets.v1.Resources'
  | 'kubets.v1.Kubelet'
  | 'grpc.health.v1.Health'
  | 'grpc.reflection.v1.ServerReflection'
  | 'grpc.reflection.v1alpha.ServerReflection';

const services = new Map<ServiceName, grpc.ServiceDefinition>();

function serviceDefinition(name: ServiceName): grpc.ServiceDefinition {
  let def = services.get(name);
  if (!def) services.set(name, (def = methodDefinitions(protoRoot().lookupService(name))));
  return def;
}

/**
 * A service's methods as grpc-js takes them. @grpc/proto-loader builds the same, plus reflection
 * descriptors of every message in the schema, which we never serve and which take half a second.
 * A method's request and response types are resolved when it first encodes or decodes: a CLI
 * call uses one method of the dozens a service has, and resolving them all built a few hundred
 * message types from a schema loaded on demand.
 */
function methodDefinitions(service: protobuf.Service): grpc.ServiceDefinition {
  const methods: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    const request = once(() => resolved(method).resolvedRequestType!);
    const response = once(() => resolved(method).resolvedResponseType!);
    methods[method.name] = {
      path: `/${service.fullName.slice(1)}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: method.name[0]!.toLowerCase() + method.name.slice(1),
    };
  }
  return methods as grpc.ServiceDefinition;
}

function resolved(method: protobuf.Method): protobuf.Method {
  method.resolve();
  return method;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function serializer(typeOf: () => protobuf.Type): (value: object) => Buffer {
  return (value) => {
    const type = typeOf();
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return Buffer.from(type.encode(type.fromObject(value)).finish());
  };
}

function deserializer(typeOf: () => protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => {
    const type = typeOf();
    return type.toObject(type.decode(bytes), toObjectOptions);
  };
}

/** The gRPC services by full name; each is built on first use. */
export const packageDefinition: Readonly<Record<ServiceName, grpc.ServiceDefinition>> = {
  get 'kubets.v1.Resources'() {
    return serviceDefinition('kubets.v1.Resources');
  },
  get 'kubets.v1.Kubelet'() {
    return serviceDefinition('kubets.v1.Kubelet');
  },
  get 'grpc.health.v1.Health'() {
    return serviceDefinition('grpc.health.v1.Health');
  },
  get 'grpc.reflection.v1.ServerReflection'() {
    return serviceDefinition('grpc.reflection.v1.ServerReflection');
  },
  get 'grpc.reflection.v1alpha.ServerReflection'() {
    return serviceDefinition('grpc.reflection.v1alpha.ServerReflection');
  },
};
