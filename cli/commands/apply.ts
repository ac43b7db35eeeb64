import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import { toKubeJSON } from '../../lib/api/json.js';
import type { AnyObject } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import { annotatedConfiguration, LAST_APPLIED_ANNOTATION, readLastApplied, withLastApplied } from '../apply/last-applied.js';
import { threeWayMergePatch, type JsonObject } from '../apply/three-way-merge.js';
import type { CliContext } from '../context.js';
import type { DryRun } from '../dry-run.js';
import { CliError } from '../errors.js';
import { collectWhole } from '../../lib/flags.js';
import { loadManifests, type Manifest } from '../manifests.js';
import { reportErrors } from '../report.js';
import { qualifiedResource } from '../resource-args.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addKustomizeOption, refuseKustomize, type KustomizeFlags } from '../kustomize.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';
import { sourced } from './create.js';

interface ApplyOptions extends WriteFlags, KustomizeFlags {
  filename: string[];
  recursive?: boolean;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
}

// kubectl's field manager names: its client-side apply records itself as this one when it updates,
// server-side apply applies as "kubectl" unless --field-manager says otherwise.
const SERVER_SIDE_MANAGER = 'kubectl';

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

/**
 * Server-side apply: the configuration goes to the server as it is, and the server merges it by
 * field ownership (a field another manager set is a conflict unless --force-conflicts).
 */
async function applyServerSide(client: ApiClient, manifest: Manifest, opts: ApplyOptions, report: WriteReport): Promise<AnyObject> {
  const { info, object } = manifest;
  const name = object.metadata?.name;
  if (!name) throw new CliError(`error when retrieving current configuration of resource ${info.kind} from "${manifest.source}": name is required for apply`);
  try {
    return await client.resource(info.field).patch(object.metadata?.namespace ?? '', name, JSON.stringify(toKubeJSON(info, object)), {
      type: 'apply',
      fieldManager: opts.fieldManager ?? SERVER_SIDE_MANAGER,
      force: opts.forceConflicts ?? false,
      dryRun: report.serverDryRun,
    });
  } catch (err) {
    throw isApiError(err, 'Conflict') && err.message.startsWith('Apply failed') ? new CliError(`${err.message}\n${CONFLICT_ADVICE}`) : sourced(err, 'applying patch to', manifest);
  }
}

// What kubectl adds to a server-side apply's conflict.
const CONFLICT_ADVICE = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;

function checkApplyFlags(opts: ApplyOptions, report: WriteReport): void {
  refuseKustomize(opts);
  if (opts.serverSide && report.clientOnly) throw new CliError("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)");
  if (opts.forceConflicts && !opts.serverSide) throw new CliError('--force-conflicts only works with --server-side');
}

async function runApply(ctx: CliContext, opts: ApplyOptions): Promise<number> {
  const report = new WriteReport(ctx, opts, { fromFiles: true });
  checkApplyFlags(opts, report);
  const { manifests, errors } = await loadManifests(opts.filename, {
    stdin: ctx.io.stdin,
    recursive: opts.recursive ?? false,
    namespace: await ctx.namespace(),
    namespaceExplicit: ctx.namespaceExplicit,
    verb: 'apply',
  });
  const client = manifests.length > 0 ? await ctx.client() : undefined;
  for (const manifest of manifests) {
    try {
      if (opts.serverSide) {
        report.written(manifest.info, await applyServerSide(client!, manifest, opts, report), 'serverside-applied');
        continue;
      }
      const { outcome, applied } = await applyManifest(client!, manifest, (text) => ctx.err(text), report.dryRun);
      report.written(manifest.info, applied, outcome);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

export function applyCommand(deps: VerbDeps = defaultDeps): Command {
  const command = new Command('apply')
    .description('Apply a configuration to resources from files or stdin: create them, or update them with a three-way merge')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the configuration to apply; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .option('--server-side', 'apply on the server, which merges by field ownership (metadata.managedFields)')
    .option('--force-conflicts', 'with --server-side: take the fields other managers own instead of failing')
    .option('--field-manager <name>', `with --server-side: the manager the applied fields are recorded under (default "${SERVER_SIDE_MANAGER}")`);
  return addKustomizeOption(addWriteOptions(command)).action(verbAction(deps, (ctx, _args, cmd) => runApply(ctx, cmd.opts<ApplyOptions>())));
}
