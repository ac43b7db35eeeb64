import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import protobuf from 'protobufjs';
import { protoDirs } from '../../../lib/paths.js';

// Server reflection answers with google.protobuf.FileDescriptorProto messages, one per .proto file,
// as protoc would describe them. protobufjs' own toDescriptor merges a package into one file and
// names map entries unlike protoc (which strict readers such as grpcurl refuse), so the files are
// described here from the parsed schema, keeping each file's name, imports and json_name.

const require = createRequire(import.meta.url);
const descriptorTypes = require('protobufjs/ext/descriptor') as { FileDescriptorProto: protobuf.Type };

/** One .proto file: its encoded descriptor, the files it imports and the full names it defines. */
export interface DescribedFile {
  name: string;
  encoded: Buffer;
  dependencies: string[];
  symbols: string[];
}

export interface DescriptorIndex {
  files: Map<string, DescribedFile>;
  /** Full name (`kubets.v1.Pod`, `kubets.v1.Resources.Get`) to the file that defines it. */
  fileOfSymbol: Map<string, DescribedFile>;
}

const LABEL_OPTIONAL = 1;
const LABEL_REPEATED = 3;
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const SCALAR_TYPES: Record<string, number> = {
  double: 1, float: 2, int64: 3, uint64: 4, int32: 5, fixed64: 6, fixed32: 7, bool: 8,
  string: 9, bytes: 12, uint32: 13, sfixed32: 15, sfixed64: 16, sint32: 17, sint64: 18,
};
/** protobufjs' bundled well-known types carry no file name; they come from these files. */
const WELL_KNOWN_FILES: Record<string, string> = { '.google.protobuf.Any': 'google/protobuf/any.proto' };

let index: DescriptorIndex | undefined;

/** Every .proto file of the schema, described once on first use (reflection is rarely asked). */
export function descriptorIndex(): DescriptorIndex {
  index ??= buildIndex();
  return index;
}

function protoFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return protoFiles(root, path);
    return entry.name.endsWith('.proto') ? [relative(root, path)] : [];
  });
}

function buildIndex(): DescriptorIndex {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => protoDirs.map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  root.loadSync(protoDirs.flatMap((dir) => protoFiles(dir)), { keepCase: true });
  root.resolveAll();

  const byFile = new Map<string, { pkg: string; definitions: protobuf.ReflectionObject[] }>();
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum || nested instanceof protobuf.Service) {
        const file = fileNameOf(nested);
        const entry = byFile.get(file) ?? { pkg: ns.fullName.slice(1), definitions: [] };
        entry.definitions.push(nested);
        byFile.set(file, entry);
      } else if (nested instanceof protobuf.Namespace) {
        visit(nested);
      }
    }
  };
  visit(root);

  const files = new Map<string, DescribedFile>();
  const fileOfSymbol = new Map<string, DescribedFile>();
  for (const [name, { pkg, definitions }] of byFile) {
    const dependencies = new Set<string>();
    const symbols: string[] = [];
    const proto = {
      name,
      package: pkg,
      dependency: [] as string[],
      messageType: definitions.filter((d) => d instanceof protobuf.Type).map((t) => messageProto(t, dependencies, symbols)),
      enumType: definitions.filter((d) => d instanceof protobuf.Enum).map((e) => enumProto(e, symbols)),
      service: definitions.filter((d) => d instanceof protobuf.Service).map((s) => serviceProto(s, dependencies, symbols)),
      syntax: 'proto3',
    };
    dependencies.delete(name);
    proto.dependency = [...dependencies].sort();
    const described: DescribedFile = {
      name,
      encoded: Buffer.from(descriptorTypes.FileDescriptorProto.encode(descriptorTypes.FileDescriptorProto.fromObject(proto)).finish()),
      dependencies: proto.dependency,
      symbols,
    };
    files.set(name, described);
    for (const symbol of symbols) fileOfSymbol.set(symbol, described);
  }
  return { files, fileOfSymbol };
}

function fileNameOf(object: protobuf.ReflectionObject): string {
  const known = WELL_KNOWN_FILES[object.fullName];
  if (known) return known;
  if (!object.filename) throw new Error(`no file known for ${object.fullName}`);
  const dir = protoDirs.find((d) => object.filename!.startsWith(d + '/'));
  return dir ? relative(dir, object.filename) : object.filename;
}

/** protoc's name for a map field's entry message: `matchLabels` gives `MatchLabelsEntry`. */
function mapEntryName(field: string): string {
  return field.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()) + 'Entry';
}

/** protoc's default JSON name: `foo_bar` gives `fooBar`. */
function jsonNameOf(field: string): string {
  return field.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
}

function fieldType(type: string, resolved: protobuf.Type | protobuf.Enum | null, dependencies: Set<string>): { type: number; typeName?: string } {
  if (resolved) {
    dependencies.add(fileNameOf(resolved));
    return { type: resolved instanceof protobuf.Enum ? TYPE_ENUM : TYPE_MESSAGE, typeName: resolved.fullName };
  }
  const scalar = SCALAR_TYPES[type];
  if (scalar === undefined) throw new Error(`unknown field type ${type}`);
  return { type: scalar };
}

function messageProto(type: protobuf.Type, dependencies: Set<string>, symbols: string[]): object {
  symbols.push(type.fullName.slice(1));
  // protoc lists real oneofs first and the synthetic ones of proto3 `optional` fields after them.
  const synthetic = (oneof: protobuf.OneOf): boolean => oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]!.options?.proto3_optional === true;
  const oneofs = [...type.oneofsArray.filter((o) => !synthetic(o)), ...type.oneofsArray.filter(synthetic)];
  const nestedType: object[] = [];
  const fields = type.fieldsArray.map((field) => {
    const base = {
      name: field.name,
      number: field.id,
      jsonName: (field.options?.json_name as string | undefined) ?? jsonNameOf(field.name),
    };
    if (field instanceof protobuf.MapField) {
      const entry = mapEntryName(field.name);
      nestedType.push({
        name: entry,
        field: [
          { name: 'key', number: 1, label: LABEL_OPTIONAL, jsonName: 'key', ...fieldType(field.keyType, null, dependencies) },
          { name: 'value', number: 2, label: LABEL_OPTIONAL, jsonName: 'value', ...fieldType(field.type, field.resolvedType, dependencies) },
        ],
        options: { mapEntry: true },
      });
      return { ...base, label: LABEL_REPEATED, type: TYPE_MESSAGE, typeName: `${type.fullName}.${entry}` };
    }
    const oneofIndex = field.partOf ? oneofs.indexOf(field.partOf) : -1;
    return {
      ...base,
      label: field.repeated ? LABEL_REPEATED : LABEL_OPTIONAL,
      ...fieldType(field.type, field.resolvedType, dependencies),
      ...(oneofIndex >= 0 ? { oneofIndex } : {}),
      ...(field.options?.proto3_optional === true ? { proto3Optional: true } : {}),
    };
  });
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type) nestedType.push(messageProto(nested, dependencies, symbols));
  }
  return {
    name: type.name,
    field: fields,
    nestedType,
    enumType: type.nestedArray.filter((n) => n instanceof protobuf.Enum).map((e) => enumProto(e, symbols)),
    oneofDecl: oneofs.map((o) => ({ name: o.name })),
  };
}

function enumProto(e: protobuf.Enum, symbols: string[]): object {
  symbols.push(e.fullName.slice(1));
  return { name: e.name, value: Object.entries(e.values).map(([name, number]) => ({ name, number })) };
}

function serviceProto(service: protobuf.Service, dependencies: Set<string>, symbols: string[]): object {
  symbols.push(service.fullName.slice(1));
  return {
    name: service.name,
    method: service.methodsArray.map((method) => {
      symbols.push(`${service.fullName.slice(1)}.${method.name}`);
      dependencies.add(fileNameOf(method.resolvedRequestType!));
      dependencies.add(fileNameOf(method.resolvedResponseType!));
      return {
        name: method.name,
        inputType: method.resolvedRequestType!.fullName,
        outputType: method.resolvedResponseType!.fullName,
        clientStreaming: method.requestStream === true,
        serverStreaming: method.responseStream === true,
      };
    }),
  };
}
