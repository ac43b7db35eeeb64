import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { parse, YAMLParseError } from 'yaml';
import { isApiError } from '../../lib/api/errors.js';
import { DecodeError, decodeManifest, toKubeJSON } from '../../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../../lib/api/resources.js';
import { threeWayMergePatch, type JsonObject } from '../apply/three-way-merge.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { launchEditor } from '../editor.js';
import { collectWhole } from '../../lib/flags.js';
import { sortKeysDeep, type JsonValue } from '../printers/go-values.js';
import { formatJSON, formatYAML } from '../printers/output.js';
import { reportErrors } from '../report.js';
import { objectRef, parseResourceArgs, quotedRef, type ResourceSelection } from '../resource-args.js';
import { resolveTargets } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// `kubets edit`: the objects in $EDITOR as YAML (or JSON), then a patch from what was shown to what
// was saved. A file that does not parse or that the server rejects is opened again with the
// reasons at the top, as kubectl does; saving it unchanged gives up.

interface EditFlags {
  output: 'yaml' | 'json';
  filename: string[];
  recursive?: boolean;
  selector?: string;
}

interface EditReason {
  head: string;
  other?: string[];
}

const HEADER =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n" +
  '# and an empty file will abort the edit. If an error occurs while saving this file will be\n' +
  '# reopened with the relevant failures.\n' +
  '#\n';

const MAX_ROUNDS = 20;

const hashLines = (text: string): string => text.replace(/\n/g, '\n# ');

/** kubectl's edit header: the instructions, then each reason the last save failed. */
function editHeader(reasons: readonly EditReason[]): string {
  let out = HEADER;
  for (const r of reasons) {
    out += r.other?.length ? `# ${hashLines(r.head)}:\n` : `# ${hashLines(r.head)}\n`;
    for (const o of r.other ?? []) out += `# * ${hashLines(o)}\n`;
    out += '#\n';
  }
  return out;
}

/** The file without its comment lines. */
function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
}

interface Original {
  info: ResourceInfo;
  object: AnyObject;
}

function keyOf(info: ResourceInfo, namespace: string, name: string): string {
  return `${info.resource}/${namespace}/${name}`;
}

function render(values: readonly JsonValue[], output: EditFlags['output']): string {
  const doc = values.length === 1 ? values[0]! : sortKeysDeep({ apiVersion: 'v1', items: [...values], kind: 'List', metadata: { resourceVersion: '' } });
  return output === 'json' ? formatJSON(doc) : formatYAML(doc);
}

async function fetchOriginals(ctx: CliContext, args: string[], flags: EditFlags): Promise<Original[]> {
  const client = await ctx.client();
  const namespace = await ctx.namespace();
  let selections: ResourceSelection[];
  if (flags.filename.length > 0) {
    const { targets, errors } = await resolveTargets(ctx, args, { verb: 'edit', filename: flags.filename, recursive: flags.recursive ?? false });
    if (errors.length > 0) throw errors[0];
    selections = targets.map((t) => ({ info: t.info, names: [t.name] }));
  } else {
    selections = parseResourceArgs(args, { verb: 'edit' });
  }
  const originals: Original[] = [];
  for (const { info, names } of selections) {
    const resource = client.resource(info.field);
    const ns = info.namespaced ? namespace : '';
    if (names.length === 0) {
      const { items } = await resource.listAll(ns, flags.selector ? { labelSelector: flags.selector } : {});
      originals.push(...items.map((object) => ({ info, object })));
    }
    for (const name of names) originals.push({ info, object: await resource.get(ns, name) });
  }
  return originals;
}

type Outcome = { edited: boolean } | { reason: EditReason; value: JsonValue } | { error: unknown };

async function saveOne(ctx: CliContext, originals: Map<string, Original>, value: JsonValue): Promise<Outcome> {
  const json = value as JsonObject;
  let info: ResourceInfo;
  let object: AnyObject;
  try {
    ({ info, object } = decodeManifest(json));
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    const meta = (json?.metadata ?? {}) as JsonObject;
    return { reason: { head: `${String(json?.kind ?? 'object')} "${String(meta.name ?? '')}" was not valid`, other: err.problems }, value };
  }
  const namespace = info.namespaced ? (object.metadata?.namespace ?? '') : '';
  const name = object.metadata?.name ?? '';
  const original = originals.get(keyOf(info, namespace, name));
  if (!original) {
    return { reason: { head: 'The edited file failed validation', other: ['At least one of apiVersion, kind and name was changed'] }, value };
  }
  const before = toKubeJSON(info, original.object) as JsonObject;
  const patch = threeWayMergePatch(before, toKubeJSON(info, object) as JsonObject, before);
  if (Object.keys(patch).length === 0) return { edited: false };
  try {
    await (await ctx.client()).resource(info.field).patch(namespace, name, patch, { type: 'strategic' });
  } catch (err) {
    if (isApiError(err, 'Invalid') || isApiError(err, 'BadRequest')) {
      const causes = (err.details.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
      return { reason: { head: `${quotedRef(info, name)} was not valid`, other: causes.length > 0 ? causes : [err.message] }, value };
    }
    return { error: err };
  }
  ctx.out(`${objectRef(info, name)} edited\n`);
  return { edited: true };
}

async function runEdit(ctx: CliContext, args: string[], flags: EditFlags): Promise<number> {
  const found = await fetchOriginals(ctx, args, flags);
  if (found.length === 0) throw new CliError('edit cancelled, no objects found');
  const originals = new Map(found.map((o) => [keyOf(o.info, o.object.metadata?.namespace ?? '', o.object.metadata?.name ?? ''), o]));
  const dir = await mkdtemp(join(tmpdir(), 'kubets-edit-'));
  const file = join(dir, `edit.${flags.output}`);
  let keepFile = false;
  const errors: unknown[] = [];
  try {
    let body = render(found.map((o) => sortKeysDeep(toKubeJSON(o.info, o.object) as JsonValue)), flags.output);
    const shown = body;
    let reasons: EditReason[] = [];
    let anyEdited = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      await writeFile(file, editHeader(reasons) + body, { mode: 0o600 });
      await launchEditor(ctx.io.env, file);
      const saved = stripComments(await readFile(file, 'utf8'));
      if (saved.trim() === '' || (reasons.length === 0 && saved === stripComments(shown))) {
        if (!anyEdited) ctx.out('Edit cancelled, no changes made.\n');
        return reportErrors(ctx, errors);
      }
      if (reasons.length > 0 && saved === body) {
        keepFile = true;
        ctx.err(`A copy of your changes has been stored to "${file}"\n`);
        throw new CliError('Edit cancelled, no valid changes were saved.');
      }
      let value: JsonValue;
      try {
        value = parse(saved) as JsonValue;
      } catch (err) {
        if (!(err instanceof YAMLParseError)) throw err;
        const pos = err.linePos?.[0];
        reasons = [{ head: `The edited file had a syntax error: error converting YAML to JSON: yaml: line ${pos?.line ?? 0}: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` }];
        body = saved;
        continue;
      }
      const doc = value as JsonObject;
      const items = doc?.kind === 'List' && Array.isArray(doc.items) ? (doc.items as JsonValue[]) : [value];
      reasons = [];
      const retry: JsonValue[] = [];
      for (const item of items) {
        const outcome = await saveOne(ctx, originals, item);
        if ('reason' in outcome) {
          reasons.push(outcome.reason);
          retry.push(outcome.value);
        } else if ('error' in outcome) {
          errors.push(outcome.error);
        } else if (outcome.edited) {
          anyEdited = true;
        }
      }
      if (reasons.length === 0) {
        if (!anyEdited && errors.length === 0) ctx.out('Edit cancelled, no changes made.\n');
        return reportErrors(ctx, errors);
      }
      body = render(retry, flags.output);
    }
    throw new CliError('Edit cancelled, too many attempts.');
  } finally {
    if (!keepFile) await rm(dir, { recursive: true, force: true });
  }
}

export function editCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('edit')
    .description('Edit resources on the server in $KUBE_EDITOR or $EDITOR')
    .argument('[resources...]', 'TYPE NAME... or TYPE/NAME...')
    .addOption(new Option('-o, --output <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
    .option('-l, --selector <selector>', 'label selector')
    .option('-f, --filename <file>', 'file naming the resources to edit; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .action(verbAction(deps, (ctx, args, cmd) => runEdit(ctx, args[0] as string[], cmd.opts<EditFlags>())));
}
