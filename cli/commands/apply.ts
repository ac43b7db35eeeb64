import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import { toKubeJSON } from '../../lib/api/json.js';
import type { AnyObject } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import { annotatedConfiguration, LAST_APPLIED_ANNOTATION, readLastApplied, withLastApplied } from '../apply/last-applied.js';
import { threeWayMergePatch, type JsonObject } from '../apply/three-way-merge.js';
import type { CliContext } from '../context.js';
import { dryRunSuffix, parseDryRun, type DryRun } from '../dry-run.js';
import { CliError } from '../errors.js';
import { collectWhole } from '../../lib/flags.js';
import { loadManifests, type Manifest } from '../manifests.js';
import { reportErrors } from '../report.js';
import { objectRef, qualifiedResource } from '../resource-args.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { sourced } from './create.js';

interface ApplyOptions {
  filename: string[];
  recursive?: boolean;
  dryRun: string;
}

type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** The object as it is live before the apply, if it existed. */
  live?: AnyObject;
  /** The object as the apply leaves it (with a server dry run: as it would leave it). */
  applied: AnyObject;
}

/**
 * Applies one manifest: creates the object (recording its configuration) or patches the live one
 * with the three-way merge of the last applied configuration, the live object and this one. With
 * a client dry run nothing is written; with a server dry run the server checks and answers but
 * stores nothing.
 */
export async function applyManifest(client: ApiClient, manifest: Manifest, warn: (text: string) => void, dryRun: DryRun = 'none'): Promise<ApplyResult> {
  const { info, object } = manifest;
  const name = object.metadata?.name;
  if (!name) throw new CliError(`error when retrieving current configuration of resource ${info.kind} from "${manifest.source}": name is required for apply`);
  const namespace = object.metadata?.namespace ?? '';
  const resource = client.resource(info.field);
  let live: AnyObject;
  try {
    live = await resource.get(namespace, name);
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw sourced(err, 'retrieving current configuration of', manifest);
    const annotated = withLastApplied(info, object);
    if (dryRun === 'client') return { outcome: 'created', applied: annotated };
    try {
      return { outcome: 'created', applied: await resource.create(annotated as never, { dryRun: dryRun === 'server' }) };
    } catch (createErr) {
      throw sourced(createErr, 'creating', manifest);
    }
  }
  const original = readLastApplied(live);
  if (!original) {
    warn(
      `Warning: resource ${qualifiedResource(info)}/${name} is missing the ${LAST_APPLIED_ANNOTATION} annotation which is required by kubets apply. ` +
        `kubets apply should only be used on resources created declaratively by either kubets create --save-config or kubets apply. ` +
        `The missing annotation will be patched automatically.\n`,
    );
  }
  const patch = threeWayMergePatch(original, annotatedConfiguration(info, object), toKubeJSON(info, live) as JsonObject);
  if (Object.keys(patch).length === 0) return { outcome: 'unchanged', live, applied: live };
  if (dryRun === 'client') return { outcome: 'configured', live, applied: live };
  try {
    return { outcome: 'configured', live, applied: await resource.patch(namespace, name, patch, { type: 'strategic', dryRun: dryRun === 'server' }) };
  } catch (err) {
    throw sourced(err, 'patching', manifest);
  }
}

async function runApply(ctx: CliContext, opts: ApplyOptions): Promise<number> {
  const { manifests, errors } = await loadManifests(opts.filename, {
    stdin: ctx.io.stdin,
    recursive: opts.recursive ?? false,
    namespace: await ctx.namespace(),
    namespaceExplicit: ctx.namespaceExplicit,
    verb: 'apply',
  });
  const dryRun = parseDryRun(opts.dryRun);
  const client = manifests.length > 0 ? await ctx.client() : undefined;
  for (const manifest of manifests) {
    try {
      const { outcome } = await applyManifest(client!, manifest, (text) => ctx.err(text), dryRun);
      ctx.out(`${objectRef(manifest.info, manifest.object.metadata?.name ?? '')} ${outcome}${dryRunSuffix(dryRun)}\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

export function applyCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('apply')
    .description('Apply a configuration to resources from files or stdin: create them, or update them with a three-way merge')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the configuration to apply; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .option('--dry-run <mode>', 'none, server or client: with server or client nothing is changed', 'none')
    .action(verbAction(deps, (ctx, _args, cmd) => runApply(ctx, cmd.opts<ApplyOptions>())));
}
