import { readFileSync } from 'node:fs';
import { withGoZeroStructs } from '../../lib/api/go-zero-structs.js';
import { toKubeJSON } from '../../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../../lib/api/resources.js';
import { goJSON, goValueString, sortKeysDeep, type JsonValue } from './go-values.js';
import { executeJSONPath, findResults } from './jsonpath.js';
import { printTable, type PrintTableOptions } from '../../lib/printers/kinds/registry.js';
import { alignTabs } from '../../lib/printers/tabwriter.js';
import { TABLE_LAYOUT } from '../../lib/printers/table.js';
import { goYAML } from './go-yaml.js';

// The -o/--output formats of kubectl get: the table (default and wide), name, json, yaml,
// jsonpath=TEMPLATE (and jsonpath-file=FILE, jsonpath-as-json=TEMPLATE) and custom-columns=SPEC
// (and custom-columns-file=FILE). JSON and YAML carry Kubernetes' v1 JSON with keys sorted as
// kubectl prints decoded objects; several objects become a v1 List.

export class OutputFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFormatError';
  }
}

interface CustomColumn {
  header: string;
  /** The column's JSONPath template (`{.metadata.name}`). */
  template: string;
}

export type OutputFormat =
  | { type: 'table' }
  | { type: 'wide' }
  | { type: 'name' }
  | { type: 'json' }
  | { type: 'yaml' }
  | { type: 'jsonpath'; template: string; asJSON?: boolean }
  /** `headers: 'always'`: a columns file prints its headers even with --no-headers, as in kubectl. */
  | { type: 'custom-columns'; columns: CustomColumn[]; headers?: 'always' };

/** kubectl get's list, sorted as it prints it; the Go template formats are refused with their own message. */
export const GET_OUTPUT_FORMATS = [
  'custom-columns',
  'custom-columns-file',
  'go-template',
  'go-template-file',
  'json',
  'jsonpath',
  'jsonpath-as-json',
  'jsonpath-file',
  'name',
  'template',
  'templatefile',
  'wide',
  'yaml',
] as const;

type OutputFormatName = (typeof GET_OUTPUT_FORMATS)[number];

/** The write verbs' (create, run, expose, apply, ...) -o: kubectl prints no table or columns for them. */
export const WRITE_OUTPUT_FORMATS: readonly OutputFormatName[] = GET_OUTPUT_FORMATS.filter((f) => !f.startsWith('custom-columns') && f !== 'wide');

/** custom-columns accepts `.a.b`, `a.b`, `{.a.b}` and `{a.b}`, as kubectl's relaxed JSONPath does. */
export function relaxedTemplate(path: string): string {
  const match = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(path);
  if (!match) throw new OutputFormatError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${match[1] ?? match[2]}}`;
}

function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec === '') throw new OutputFormatError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw new OutputFormatError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, colon), template: relaxedTemplate(part.slice(colon + 1)) };
  });
}

/**
 * A custom-columns file: a line of headers and a line of column paths, each split on whitespace
 * (`NAME  IMAGE` / `.metadata.name  .spec.containers[*].image`).
 */
function parseCustomColumnsFile(text: string): CustomColumn[] {
  const expected = 'Expected format is one line of space separated headers, one line of space separated column specs.';
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  // A final newline ends the last line rather than starting another.
  if (lines.at(-1) === '') lines.pop();
  const words = (line: string): string[] => line.split(/\s+/).filter((w) => w !== '');
  if (lines[0] === undefined) throw new OutputFormatError(`invalid template, missing header line. ${expected}`);
  if (lines[1] === undefined) throw new OutputFormatError(`invalid template, missing spec line. ${expected}`);
  const headers = words(lines[0]);
  const paths = words(lines[1]);
  if (headers.length !== paths.length) {
    throw new OutputFormatError(`number of headers (${headers.length}) and field specifications (${paths.length}) don't match`);
  }
  return headers.map((header, i) => ({ header, template: relaxedTemplate(paths[i]!) }));
}

/** A template file's text; a failure reads as Go's (`open FILE: no such file or directory`), after `what`. */
function readTemplateFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `open ${path}: no such file or directory` : code === 'EACCES' ? `open ${path}: permission denied` : code === 'EISDIR' ? `read ${path}: is a directory` : (err as Error).message;
    throw new OutputFormatError(`${what} ${path}, ${reason}`);
  }
}

/**
 * Reads the value of -o, one of the command's `allowed` formats; undefined or empty means the
 * default table. Files it names are read here.
 */
export function parseOutputFormat(flag: string | undefined, allowed: readonly OutputFormatName[] = GET_OUTPUT_FORMATS): OutputFormat {
  if (!flag) return { type: 'table' };
  const eq = flag.indexOf('=');
  const name = eq < 0 ? flag : flag.slice(0, eq);
  const argument = eq < 0 ? '' : flag.slice(eq + 1);
  const unmatched = new OutputFormatError(`unable to match a printer suitable for the output format "${flag}", allowed formats are: ${allowed.join(',')}`);
  if (!(allowed as readonly string[]).includes(name)) throw unmatched;
  switch (name) {
    case 'wide':
    case 'name':
    case 'json':
    case 'yaml':
      if (eq < 0) return { type: name };
      break;
    case 'jsonpath':
    case 'jsonpath-as-json':
    case 'jsonpath-file': {
      if (!argument) throw new OutputFormatError('template format specified but no template given');
      const template = name === 'jsonpath-file' ? readTemplateFile(argument, 'error reading --template') : argument;
      return { type: 'jsonpath', template, asJSON: name === 'jsonpath-as-json' };
    }
    case 'custom-columns':
      return { type: 'custom-columns', columns: parseCustomColumns(argument) };
    case 'custom-columns-file':
      if (!argument) throw new OutputFormatError('custom-columns format specified but no custom columns given');
      return { type: 'custom-columns', columns: parseCustomColumnsFile(readTemplateFile(argument, 'error reading template')), headers: 'always' };
    case 'go-template':
    case 'go-template-file':
    case 'template':
    case 'templatefile':
      // kubectl runs Go's text/template; no maintained implementation of it exists for JavaScript.
      throw new OutputFormatError(`output format "${name}" is not supported by kubets: it needs Go's text/template, which has no JavaScript implementation; use -o jsonpath=TEMPLATE instead`);
  }
  throw unmatched;
}

/** As kubectl since 1.21: metadata.managedFields is long and rarely wanted, so it is left out unless asked for. */
export function withoutManagedFields(object: AnyObject): AnyObject {
  if (!object.metadata?.managedFields) return object;
  return { ...object, metadata: { ...object.metadata, managedFields: undefined } };
}

/** `kind[.group]/name`, as `-o name` prints an object (`replicationcontroller/mysql`, `deployment.apps/web`). */
export function formatName(info: ResourceInfo, object: AnyObject): string {
  const kind = info.kind.toLowerCase();
  return `${info.group ? `${kind}.${info.group}` : kind}/${object.metadata?.name ?? ''}`;
}

/** Where a printed object comes from: the server, a generator of this CLI, or a file as written. */
export type ObjectOrigin = 'server' | 'generated' | 'file';

/**
 * The JSON document kubectl prints: the object itself when one was asked for by name, otherwise a
 * v1 List of them (even of one or none).
 */
export function kubeDocument(info: ResourceInfo, objects: readonly AnyObject[], single: boolean, origin: ObjectOrigin = 'server'): JsonValue {
  const json = (o: AnyObject): JsonValue => {
    // Objects read from a file stay as written: kubectl holds them unstructured, not as Go structs.
    if (origin === 'file') return toKubeJSON(info, o);
    const document = withGoZeroStructs(info, toKubeJSON(info, o));
    return origin === 'generated' ? withZeroCreationTimestamp(document) : document;
  };
  if (single && objects.length === 1) return sortKeysDeep(json(objects[0]!));
  return sortKeysDeep({ apiVersion: 'v1', items: objects.map(json), kind: 'List', metadata: { resourceVersion: '' } });
}

/** An object the server never saw has Go's zero creation time, which kubectl prints as null. */
function withZeroCreationTimestamp(json: JsonValue): JsonValue {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const metadata = json.metadata !== null && typeof json.metadata === 'object' && !Array.isArray(json.metadata) ? json.metadata : {};
  return { ...json, metadata: { creationTimestamp: null, ...metadata } };
}

/** Indented JSON as `kubectl get -o json` prints it (four spaces, sorted keys, trailing newline). */
export function formatJSON(document: JsonValue): string {
  return `${goJSON(document, '    ')}\n`;
}

/** YAML as `kubectl get -o yaml` prints it (go-yaml v2's layout, key order, quoting and folding). */
export function formatYAML(document: JsonValue): string {
  return goYAML(document);
}

type JSONPathFormat = Extract<OutputFormat, { type: 'jsonpath' }>;
type CustomColumnsFormat = Extract<OutputFormat, { type: 'custom-columns' }>;

/** A JSONPath template's output for one document (an object, a List or a watch event). */
export function formatJSONPath(format: JSONPathFormat, document: JsonValue): string {
  return executeJSONPath(format.template, document, { asJSON: format.asJSON });
}

/** A custom-columns table: one row per object, several values joined by commas, `<none>` for none. */
export function formatCustomColumns(format: CustomColumnsFormat, documents: readonly JsonValue[], noHeaders = false): string {
  const { columns } = format;
  const lines: string[][] = [];
  if (!noHeaders || format.headers === 'always') lines.push(columns.map((c) => c.header));
  for (const doc of documents) {
    lines.push(
      columns.map((c) => {
        const values = findResults(c.template, doc);
        return values.length === 0 ? '<none>' : values.map(goValueString).join(',');
      }),
    );
  }
  return alignTabs(lines.map((cells) => `${cells.join('\t')}\n`).join(''), TABLE_LAYOUT);
}

interface PrintObjectsOptions extends PrintTableOptions {
  /** The objects were asked for by name, so one object prints as itself rather than as a List. */
  single?: boolean;
  /** Where the objects come from, when not from the server (--dry-run=client). */
  origin?: ObjectOrigin;
}

/** Everything `kubectl get` can print for objects of one kind, by output format. */
export function printObjects(info: ResourceInfo, objects: readonly AnyObject[], format: OutputFormat, options: PrintObjectsOptions = {}): string {
  const { single = false, origin = 'server', ...tableOptions } = options;
  switch (format.type) {
    case 'table':
      return printTable(info, objects, tableOptions);
    case 'wide':
      return printTable(info, objects, { ...tableOptions, wide: true });
    case 'name':
      return objects.map((o) => `${formatName(info, o)}\n`).join('');
    case 'json':
      return formatJSON(kubeDocument(info, objects, single, origin));
    case 'yaml':
      return formatYAML(kubeDocument(info, objects, single, origin));
    case 'jsonpath':
      return formatJSONPath(format, kubeDocument(info, objects, single, origin));
    case 'custom-columns':
      return formatCustomColumns(
        format,
        objects.map((o) => kubeDocument(info, [o], true)),
        options.noHeaders,
      );
  }
}
