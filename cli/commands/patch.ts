import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { PatchType } from '../../lib/client/resource-client.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { yaml } from '../lazy-yaml.js';
import { reportErrors } from '../report.js';
import { addSelectionOptions, resolveTargets, selectionOptions } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';

interface PatchFlags extends WriteFlags {
  patch?: string;
  patchFile?: string;
  type: string;
  subresource?: string;
  filename: string[];
  recursive?: boolean;
}

const PATCH_TYPES: readonly PatchType[] = ['json', 'merge', 'strategic'];

function patchType(flag: string): PatchType {
  const type = PATCH_TYPES.find((t) => t === flag.toLowerCase());
  if (!type) throw new CliError(`--type must be one of [json merge strategic], not "${flag}"`);
  return type;
}

/**
 * kubectl accepts the patch as JSON or YAML and sends JSON. Text that opens with a brace it takes
 * for JSON and sends unread, so the server judges its syntax (and names the mistake in its words).
 */
function patchDocument(text: string): string {
  if (text.trimStart().startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = yaml().parse(text);
  } catch (err) {
    throw new CliError(`unable to parse "${text}": ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || typeof parsed !== 'object') throw new CliError(`unable to parse "${text}": the patch must be a JSON or YAML object or list`);
  return JSON.stringify(parsed);
}

async function patchText(flags: PatchFlags): Promise<string> {
  if (flags.patch !== undefined && flags.patchFile !== undefined) throw new CliError('--patch and --patch-file are mutually exclusive');
  if (flags.patchFile !== undefined) {
    try {
      return await readFile(flags.patchFile, 'utf8');
    } catch (err) {
      throw new CliError(`unable to read patch file: ${(err as Error).message}`);
    }
  }
  if (flags.patch === undefined || flags.patch.trim() === '') throw new CliError('must specify --patch or --patch-file containing the contents of the patch');
  return flags.patch;
}

/** `kubets patch`: one patch, sent as is to each named object (the server applies it, as with kubectl). */
async function runPatch(ctx: CliContext, args: string[], flags: PatchFlags): Promise<number> {
  const type = patchType(flags.type);
  const document = patchDocument(await patchText(flags));
  if (flags.subresource !== undefined && flags.subresource !== 'status') {
    throw new CliError(`invalid subresource value: "${flags.subresource}". Must be one of [status]`);
  }
  const report = new WriteReport(ctx, flags);
  // kubectl sends a client dry run's patch to the server as a server dry run, to show its outcome.
  const dryRun = report.dryRun !== 'none';
  const { targets, errors } = await resolveTargets(ctx, args, selectionOptions('patch', flags));
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      const resource = client!.resource(target.info.field);
      const before = await resource.get(target.namespace, target.name);
      const after = await resource.patch(target.namespace, target.name, document, { type, status: flags.subresource === 'status', dryRun });
      const unchanged = before.metadata?.resourceVersion === after.metadata?.resourceVersion;
      report.written(target.info, after, unchanged && !dryRun ? 'patched (no change)' : 'patched');
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

export function patchCommand(deps: VerbDeps = defaultDeps): Command {
  return addSelectionOptions(
    addWriteOptions(new Command('patch'))
      .description('Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch')
      .argument('[resources...]', 'TYPE NAME or TYPE/NAME')
      .option('-p, --patch <patch>', 'the patch, as JSON or YAML')
      .option('--patch-file <file>', 'a file holding the patch')
      .option('--type <type>', 'the type of patch: json, merge or strategic', 'strategic')
      .option('--subresource <name>', 'patch this subresource instead of the object (status)'),
    {},
  ).action(verbAction(deps, (ctx, args, cmd) => runPatch(ctx, args[0] as string[], cmd.opts<PatchFlags>())));
}
