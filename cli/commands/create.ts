import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import type { CliContext } from '../context.js';
import { SourcedApiError } from '../errors.js';
import { collectWhole } from '../../lib/flags.js';
import { withLastApplied } from '../apply/last-applied.js';
import { withPositionalOptions } from '../lazy-command.js';
import { loadManifests, type Manifest } from '../manifests.js';
import { reportErrors } from '../report.js';
import { createGenerators } from './create-generators.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addKustomizeOption, refuseKustomize, type KustomizeFlags } from '../kustomize.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';

interface CreateOptions extends WriteFlags, KustomizeFlags {
  filename: string[];
  recursive?: boolean;
  saveConfig?: boolean;
}

/** `kubets create -f`: creates every object of the manifests; each failure is reported and the rest go ahead. */
async function runCreate(ctx: CliContext, opts: CreateOptions): Promise<number> {
  refuseKustomize(opts);
  const report = new WriteReport(ctx, opts, { fromFiles: true });
  const namespace = await ctx.namespace();
  const { manifests, errors } = await loadManifests(opts.filename, {
    stdin: ctx.io.stdin,
    recursive: opts.recursive ?? false,
    namespace,
    namespaceExplicit: ctx.namespaceExplicit,
    verb: 'create',
  });
  const client = manifests.length > 0 && !report.clientOnly ? await ctx.client() : undefined;
  for (const manifest of manifests) {
    try {
      const object = opts.saveConfig ? withLastApplied(manifest.info, manifest.object) : manifest.object;
      const created = report.clientOnly ? object : await client!.resource(manifest.info.field).create(object as never, { dryRun: report.serverDryRun });
      report.written(manifest.info, created, 'created');
    } catch (err) {
      errors.push(sourced(err, 'creating', manifest));
    }
  }
  return reportErrors(ctx, errors);
}

export function sourced(err: unknown, verb: string, manifest: Manifest): unknown {
  return isApiError(err) ? new SourcedApiError(err, verb, manifest.source) : err;
}

export function createCommand(deps: VerbDeps = defaultDeps): Command {
  const command: Command = new Command('create')
    .description('Create resources from files or stdin')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the resources to create; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .option('--save-config', 'store the configuration in the last-applied annotation so that apply works later');
  // Its own -o and --dry-run apply to `create -f` only: after a generator's name they are the generator's.
  withPositionalOptions(addKustomizeOption(addWriteOptions(command))).action(verbAction(deps, (ctx, _args, cmd) => runCreate(ctx, cmd.opts<CreateOptions>())));
  for (const generator of createGenerators(deps)) command.addCommand(generator);
  return command;
}
