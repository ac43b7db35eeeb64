import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { yaml } from './lazy-yaml.js';
import { goYamlSyntaxError } from './yaml-syntax-errors.js';
import { DecodeError, decodeManifest } from '../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import { CliError } from './errors.js';

// Reading `-f` arguments as kubectl's resource builder does: files, directories (their .json,
// .yaml and .yml files, sorted), `-` for stdin, several YAML documents per file and `kind: List`.
// Input that does not parse stops everything before anything is sent; a document that parses but
// does not decode is reported and the others still go ahead.

type JsonObject = Record<string, unknown>;

/** A document that parsed: its JSON value and where it came from. */
interface ParsedDocument {
  source: string;
  value: JsonObject;
}

/** One document of the input, or the reason it could not be read. */
export type ManifestEntry = { source: string; document: ParsedDocument } | { source: string; error: Error };

/** A document decoded into a kind we serve. */
export interface Manifest {
  source: string;
  info: ResourceInfo;
  object: AnyObject;
  /** The document as written (Kubernetes JSON), for apply's last-applied configuration. */
  json: JsonObject;
}

class ManifestError extends CliError {
  override readonly name: string = 'ManifestError';
}

const STDIN_SOURCE = 'STDIN';
const MANIFEST_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

interface ReadManifestOptions {
  stdin: Readable;
  recursive?: boolean;
}

/** Every document of every `-f` argument, in order. */
async function readManifestEntries(paths: readonly string[], opts: ReadManifestOptions): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  for (const path of paths) {
    if (path === '-') {
      entries.push(...parseManifestText(await readStream(opts.stdin), STDIN_SOURCE));
      continue;
    }
    let files: string[];
    try {
      files = await expandPath(path, opts.recursive ?? false);
    } catch (err) {
      entries.push({ source: path, error: err as Error });
      continue;
    }
    for (const file of files) {
      try {
        entries.push(...parseManifestText(await readFile(file, 'utf8'), file));
      } catch (err) {
        entries.push({ source: file, error: new ManifestError(`error reading ${file}: ${(err as Error).message}`) });
      }
    }
  }
  return entries;
}

async function expandPath(path: string, recursive: boolean): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ManifestError(`the path "${path}" does not exist`);
  }
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  const names = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of names) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await expandPath(full, true)));
    } else if (MANIFEST_EXTENSIONS.has(extname(entry.name))) {
      out.push(full);
    }
  }
  return out;
}

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits one file's text into documents; syntax errors read as kubectl's (cli/yaml-syntax-errors.ts). */
export function parseManifestText(text: string, source: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const doc of yaml().parseAllDocuments(text, { prettyErrors: true })) {
    const syntax = doc.errors[0];
    if (syntax) {
      entries.push({ source, error: new ManifestError(`error parsing ${source}: error converting YAML to JSON: yaml: ${goYamlSyntaxError(text, syntax)}`) });
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isObject(value)) {
      entries.push({ source, error: new ManifestError(`error parsing ${source}: expected a YAML or JSON object, got ${Array.isArray(value) ? 'array' : typeof value}`) });
      continue;
    }
    entries.push(...flattenList(value, source));
  }
  return entries;
}

/** A `kind: List` (what `kubectl get -o yaml` prints for several objects) stands for its items. */
function flattenList(value: JsonObject, source: string): ManifestEntry[] {
  if (value.kind !== 'List' || !Array.isArray(value.items)) return [{ source, document: { source, value } }];
  return value.items.map((item): ManifestEntry =>
    isObject(item)
      ? { source, document: { source, value: item } }
      : { source, error: new ManifestError(`error parsing ${source}: List items must be objects`) },
  );
}

function nameOf(value: JsonObject): string {
  const metadata = value.metadata;
  return isObject(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
}

function namespaceOf(value: JsonObject): string {
  const metadata = value.metadata;
  return isObject(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : '';
}

/** Decodes a parsed document strictly; the error says what kubectl would have said. */
export function decodeDocument(doc: ParsedDocument): Manifest {
  try {
    const { info, object } = decodeManifest(doc.value);
    return { source: doc.source, info, object, json: doc.value };
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    const problem = err.problems[0] ?? err.message;
    if (err.problems.length === 1 && problem.startsWith('no matches for kind')) {
      throw new ManifestError(
        `resource mapping not found for name: "${nameOf(doc.value)}" namespace: "${namespaceOf(doc.value)}" from "${doc.source}": ${problem}\nensure CRDs are installed first`,
      );
    }
    if (err.problems.length === 1 && problem.startsWith('Object ')) {
      throw new ManifestError(`unable to decode "${doc.source}": ${problem}`);
    }
    const detail = err.problems.length === 1 ? problem : `[${err.problems.join(', ')}]`;
    throw new ManifestError(`error validating "${doc.source}": error validating data: ${detail}`);
  }
}

/**
 * Puts a namespaced object in the namespace the command runs in, as kubectl does: a manifest's
 * own namespace wins unless `-n` names a different one, which is an error.
 */
function placeInNamespace(manifest: Manifest, namespace: string, explicit: boolean): void {
  const metadata = (manifest.object.metadata ??= {});
  if (!manifest.info.namespaced) {
    delete metadata.namespace;
    return;
  }
  const own = metadata.namespace ?? '';
  if (own && explicit && own !== namespace) {
    throw new ManifestError(
      `the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`,
    );
  }
  metadata.namespace = own || namespace;
}

/** Loads `-f` arguments to a single list of decoded manifests and the per-document failures. */
export async function loadManifests(
  paths: readonly string[],
  opts: ReadManifestOptions & { namespace: string; namespaceExplicit: boolean; verb: string },
): Promise<{ manifests: Manifest[]; errors: unknown[] }> {
  if (paths.length === 0) throw new CliError('must specify -f');
  const manifests: Manifest[] = [];
  const errors: unknown[] = [];
  const entries = await readManifestEntries(paths, opts);
  // As kubectl: input that cannot be read or parsed (a YAML syntax error in a later document, a
  // missing file) stops the whole command before anything is sent, so no earlier document is
  // created alone. Documents that parse but do not decode are reported one by one.
  const unreadable = entries.flatMap((entry) => ('error' in entry ? [entry.error] : []));
  if (unreadable.length > 0) return { manifests: [], errors: unreadable };
  for (const entry of entries) {
    if ('error' in entry) continue;
    try {
      const manifest = decodeDocument(entry.document);
      placeInNamespace(manifest, opts.namespace, opts.namespaceExplicit);
      manifests.push(manifest);
    } catch (err) {
      errors.push(err as Error);
    }
  }
  if (entries.length === 0 && errors.length === 0) throw new CliError(`no objects passed to ${opts.verb}`);
  return { manifests, errors };
}
