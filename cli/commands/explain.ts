import { Command } from 'commander';
import protobuf from 'protobufjs';
import { documentationOf, encodedTypeOf } from '../../lib/api/field-docs.js';
import { lookupMessage } from '../../lib/api/proto.js';
import { resolvedTypeOf } from '../../lib/api/schema-on-demand.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { compareStrings } from '../../lib/printers/order.js';
import { resolveType } from '../resource-args.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// `kubets explain TYPE[.field...] [--recursive]`, in kubectl 1.32's layout: GROUP (for named
// groups), KIND and VERSION, the FIELD and its type when a field path was given, its DESCRIPTION
// and the FIELDS of its type with their types, `-required-` markers and descriptions (or, with
// --recursive, the whole tree of field names and types). The text comes from the proto's
// comments, as the OpenAPI schema the apiserver serves to kubectl explain does.

/** kubectl wraps descriptions to this width and indents them by four spaces. */
const WRAP_WIDTH = 76;
const INDENT = '    ';

const SCALAR_NAMES: Record<string, string> = { string: 'string', bytes: 'string', bool: 'boolean', double: 'number', float: 'number' };
/** Times are strings in Kubernetes' schema; quantities and int-or-strings keep their own names. */
const ENCODED_NAMES = { IntOrString: 'IntOrString', Quantity: 'Quantity', Time: 'string', MicroTime: 'string', FieldsV1: 'FieldsV1' } as const;

/** The type of one value of the field, as kubectl explain names it. */
function valueTypeName(field: protobuf.Field): string {
  const encoded = encodedTypeOf(field);
  if (encoded) return ENCODED_NAMES[encoded];
  const type = resolvedTypeOf(field);
  if (type instanceof protobuf.Type) return type.name;
  if (type instanceof protobuf.Enum) return 'string';
  return SCALAR_NAMES[field.type] ?? 'integer';
}

/** `<string>`, `<[]Container>`, `<map[string]Quantity>`. */
function typeName(field: protobuf.Field): string {
  const value = valueTypeName(field);
  if (field instanceof protobuf.MapField) return `<map[string]${value}>`;
  return field.repeated ? `<[]${value}>` : `<${value}>`;
}

/** Greedy word wrapping to `width` columns (a word longer than that keeps its own line). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const indented = (lines: readonly string[], indent: string): string => lines.map((l) => `${indent}${l}\n`).join('');

/** Kubernetes' TypeMeta fields carry the same words everywhere; the proto leaves them undocumented. */
const TYPE_META_DESCRIPTIONS: Record<string, string> = {
  apiVersion: 'The versioned schema of this representation of an object: its API group and version ("v1", "apps/v1"). Servers convert recognized schemas to the latest internal value.',
  kind: 'The REST resource this object represents, in CamelCase ("Pod", "Deployment"). Servers infer it from the endpoint the client submits requests to.',
};

function fieldDescription(field: protobuf.Field): string | undefined {
  return documentationOf(field).description ?? TYPE_META_DESCRIPTIONS[field.name];
}

const sortedFields = (type: protobuf.Type): protobuf.Field[] => [...type.fieldsArray].sort((a, b) => compareStrings(a.name, b.name));

function fieldLine(field: protobuf.Field, indent: string): string {
  return `${indent}${field.name}\t${typeName(field)}${documentationOf(field).required ? ' -required-' : ''}\n`;
}

/** Each field with its type and its description (`<no description>` when it has none). */
function fieldList(type: protobuf.Type): string {
  return sortedFields(type)
    .map((field) => {
      const description = fieldDescription(field);
      return `${fieldLine(field, '  ')}${description ? indented(wrap(description, WRAP_WIDTH), INDENT) : `${INDENT}<no description>\n`}\n`;
    })
    .join('');
}

/** Field names and types only, nested types indented under their field; a type already open above is not entered again. */
function recursiveFieldList(type: protobuf.Type, depth = 1, open: ReadonlySet<protobuf.Type> = new Set([type])): string {
  return sortedFields(type)
    .map((field) => {
      const type = resolvedTypeOf(field);
      const nested = type instanceof protobuf.Type && !encodedTypeOf(field) ? type : undefined;
      const below = nested && !open.has(nested) ? recursiveFieldList(nested, depth + 1, new Set([...open, nested])) : '';
      return `${fieldLine(field, '  '.repeat(depth))}${below}`;
    })
    .join('');
}

function header(info: ResourceInfo): string {
  return `${info.group ? `GROUP:      ${info.group}\n` : ''}KIND:       ${info.kind}\nVERSION:    ${info.version}\n\n`;
}

/** Each paragraph wrapped on its own, then a line of indent alone, as kubectl's template ends it. */
function descriptionSection(paragraphs: readonly string[]): string {
  if (paragraphs.length === 0) return `DESCRIPTION:\n${INDENT}<empty>\n`;
  return `DESCRIPTION:\n${paragraphs.map((p) => indented(wrap(p, WRAP_WIDTH), INDENT)).join('')}${INDENT}\n`;
}

/** The field at the end of `path` under `type`, in kubectl's words when there is none. */
function walk(type: protobuf.Type, path: readonly string[]): { field?: protobuf.Field; type?: protobuf.Type } {
  let field: protobuf.Field | undefined;
  let current: protobuf.Type | undefined = type;
  for (const name of path) {
    const next: protobuf.Field | undefined = current?.fields[name];
    if (!next) throw new CliError(`field "${name}" does not exist`);
    field = next;
    const type = resolvedTypeOf(next);
    current = type instanceof protobuf.Type && !encodedTypeOf(next) ? type : undefined;
  }
  return { ...(field ? { field } : {}), ...(current ? { type: current } : {}) };
}

export function explain(path: string, recursive = false): string {
  const [typeArg, ...fieldPath] = path.split('.');
  const info = resolveType(typeArg ?? '');
  const kind = lookupMessage(info.kind);
  const { field, type } = walk(kind, fieldPath);
  let out = header(info);
  if (field) out += `FIELD: ${field.name} ${typeName(field)}\n\n\n`;
  // A field's description, then that of its type, each its own paragraph.
  const paragraphs = (field ? [fieldDescription(field), type && documentationOf(type).description] : [documentationOf(kind).description]).filter(
    (p): p is string => Boolean(p),
  );
  out += descriptionSection(paragraphs);
  if (type) out += `FIELDS:\n${recursive ? recursiveFieldList(type) : fieldList(type)}`;
  return `${out}\n`;
}

export function explainCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('explain')
    .description('Describe fields and structure of various resources (e.g. pods.spec.containers)')
    .argument('<path>', 'TYPE or TYPE.field.subfield')
    .option('--recursive', 'print the fields of fields, names and types only', false)
    .action(
      verbAction(deps, async (ctx: CliContext, args, command) => {
        ctx.out(explain(args[0] as string, command.opts<{ recursive: boolean }>().recursive));
      }),
    );
}
