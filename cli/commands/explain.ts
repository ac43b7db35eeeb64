import { Command } from 'commander';
import protobuf from 'protobufjs';
import { lookupMessage } from '../../lib/api/proto.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { compareStrings } from '../../lib/printers/order.js';
import { alignTabs } from '../../lib/printers/tabwriter.js';
import { resolveType } from '../resource-args.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// `kubets explain TYPE[.field...]`: the fields of a kind or of one of its fields, read from the
// protobuf schema the API is defined by (field names are Kubernetes' JSON names).

const SCALAR_NAMES: Record<string, string> = {
  string: 'string',
  bytes: 'string',
  bool: 'boolean',
  double: 'number',
  float: 'number',
};

/** A field's type as kubectl explain spells it: `<string>`, `<integer>`, `<[]Container>`, `<map[string]string>`. */
function typeName(field: protobuf.Field): string {
  field.resolve();
  const base = field.resolvedType ? field.resolvedType.name : (SCALAR_NAMES[field.type] ?? 'integer');
  if (field instanceof protobuf.MapField) return `map[string]${base}`;
  return field.repeated ? `[]${base}` : base;
}

function fieldsOf(type: protobuf.Type): string {
  const rows = [...type.fieldsArray]
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((f) => `  ${f.name}\t<${typeName(f)}>\n${f.comment ? `    ${f.comment.replace(/\n/g, '\n    ')}\n\n` : ''}`);
  return alignTabs(rows.join(''), { minWidth: 0, padding: 1 });
}

function explain(path: string): string {
  const [typeArg, ...fieldPath] = path.split('.');
  const info = resolveType(typeArg ?? '');
  let type = lookupMessage(info.kind);
  let out = `KIND:       ${info.kind}\nVERSION:    ${info.apiVersion}\n\n`;
  let current: protobuf.Field | undefined;
  for (const name of fieldPath) {
    const field: protobuf.Field | undefined = type.fields[name];
    if (!field) throw new CliError(`field "${name}" does not exist`);
    field.resolve();
    current = field;
    if (field.resolvedType instanceof protobuf.Type) type = field.resolvedType;
    else if (name !== fieldPath[fieldPath.length - 1]) throw new CliError(`field "${fieldPath[fieldPath.indexOf(name) + 1]}" does not exist`);
  }
  if (current) out += `FIELD: ${current.name} <${typeName(current)}>\n\n`;
  const description = current ? current.comment : type.comment;
  if (description) out += `DESCRIPTION:\n    ${description.replace(/\n/g, '\n    ')}\n\n`;
  if (!current || current.resolvedType instanceof protobuf.Type) out += `FIELDS:\n${fieldsOf(type)}`;
  return out;
}

export function explainCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('explain')
    .description('List the fields of a resource or of one of its fields (e.g. pods.spec.containers)')
    .argument('<path>', 'TYPE or TYPE.field.subfield')
    .action(
      verbAction(deps, async (ctx: CliContext, args) => {
        ctx.out(explain(args[0] as string));
      }),
    );
}
