import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import type { CliContext } from '../context.js';
import { SourcedApiError } from '../errors.js';
import { collectWhole } from '../../lib/flags.js';
import { withLastApplied } from '../apply/last-applied.js';
import { loadManifests, type Manifest } from '../manifests.js';
import { objectRef } from '../resource-args.js';
import { reportErrors } from '../report.js';
import { createGenerators } from './create-generators.js';
import { dryRunSuffix, parseDryRun } from '../dry-run.js';
import { parseOutputFormat, printObjects } from '../printers/output.js';
import { generatorOptions, type GeneratorFlags } from '../submit-generated.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

interface CreateOptions extends GeneratorFlags {
  filename: string[];
  recursive?: boolean;
  saveConfig?: boolean;
}

/** `kubets create -f`: creates every object of the manifests; each failure is reported and the rest go ahead. */
async function runCreate(ctx: CliContext, opts: CreateOptions): Promise<number> {
  const namespace = await ctx.namespace();
  const { manifests, errors } = await loadManifests(opts.filename, {
    stdin: ctx.io.stdin,
    recursive: opts.recursive ?? false,
    namespace,
    namespaceExplicit: ctx.namespaceExplicit,
    verb: 'create',
  });
  const mode = parseDryRun(opts.dryRun);
  const format = opts.output ? parseOutputFormat(opts.output) : undefined;
  const client = manifests.length > 0 && mode !== 'client' ? await ctx.client() : undefined;
  let printed = 0;
  for (const manifest of manifests) {
    try {
      const object = opts.saveConfig ? withLastApplied(manifest.info, manifest.object) : manifest.object;
      const created = mode === 'client' ? object : await client!.resource(manifest.info.field).create(object as never, { dryRun: mode === 'server' });
      if (format) {
        // kubectl's YAML printer starts every document after the first with a separator.
        if (format.type === 'yaml' && printed++ > 0) ctx.out('---\n');
        ctx.out(printObjects(manifest.info, [created], format, { single: true, ...(mode === 'client' ? { origin: 'file' } : {}) }));
      }
      else ctx.out(`${objectRef(manifest.info, created.metadata?.name ?? '')} created${dryRunSuffix(mode)}\n`);
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
  // Its own --dry-run and -o only before a generator's name, after which they are the generator's.
  const command = generatorOptions(new Command('create').enablePositionalOptions())
    .description('Create resources from files or stdin')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the resources to create; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .option('--save-config', 'store the configuration in the last-applied annotation so that apply works later')
    .action(verbAction(deps, (ctx, _args, cmd) => runCreate(ctx, cmd.opts<CreateOptions>())));
  for (const generator of createGenerators(deps)) command.addCommand(generator);
  return command;
}
