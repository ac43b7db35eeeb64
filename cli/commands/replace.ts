import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import type { DeleteOptions } from '../../lib/api/generated/index.js';
import type { AnyObject } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import { withLastApplied } from '../apply/last-applied.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { collectWhole, duration, integer } from '../../lib/flags.js';
import { addKustomizeOption, refuseKustomize, type KustomizeFlags } from '../kustomize.js';
import { loadManifests, type Manifest } from '../manifests.js';
import { reportErrors } from '../report.js';
import { quotedRef } from '../resource-args.js';
import { waitForDeletion } from '../wait.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addWriteOptions, WriteReport, type WriteFlags } from '../write-output.js';
import { parseCascade, DEFAULT_DELETE_WAIT_MS } from './delete.js';
import { sourced } from './create.js';

interface ReplaceFlags extends WriteFlags, KustomizeFlags {
  filename: string[];
  recursive?: boolean;
  force?: boolean;
  gracePeriod: number;
  cascade: string;
  timeout?: number;
  saveConfig?: boolean;
  subresource?: string;
  fieldManager: string;
}

const SUBRESOURCES = ['status'];

/**
 * `kubets replace -f`: each object is written whole over the live one (PUT). Without a
 * resourceVersion in the file the live one's is used, so the write replaces whatever is there, as
 * kubectl's does; an object that does not exist is an error, not a create.
 */
async function replaceOne(client: ApiClient, manifest: Manifest, object: AnyObject, flags: ReplaceFlags, report: WriteReport): Promise<AnyObject> {
  const { info } = manifest;
  const resource = client.resource(info.field);
  const metadata = (object.metadata ??= {});
  if (!metadata.name) throw new CliError(`error when replacing "${manifest.source}": resource name may not be empty`);
  try {
    if (!metadata.resourceVersion) metadata.resourceVersion = (await resource.get(metadata.namespace ?? '', metadata.name)).metadata?.resourceVersion ?? '';
    if (report.clientOnly) return object;
    const options = { dryRun: report.serverDryRun, fieldManager: flags.fieldManager };
    return flags.subresource === 'status' ? await resource.updateStatus(object as never, options) : await resource.update(object as never, options);
  } catch (err) {
    throw sourced(err, 'replacing', manifest);
  }
}

/** --force: delete the live object, wait until it is gone, create the file's object in its place. */
async function forceReplaceOne(ctx: CliContext, client: ApiClient, manifest: Manifest, object: AnyObject, flags: ReplaceFlags, deleteOptions: DeleteOptions): Promise<AnyObject> {
  const { info } = manifest;
  const resource = client.resource(info.field);
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  try {
    const deleted = await resource.delete(namespace, name, deleteOptions);
    ctx.out(`${quotedRef(info, name)} deleted\n`);
    const uid = deleted.metadata?.uid;
    await waitForDeletion(client, { info, namespace, name, ...(uid ? { uid } : {}) }, flags.timeout && flags.timeout > 0 ? flags.timeout : DEFAULT_DELETE_WAIT_MS);
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw sourced(err, 'deleting', manifest);
  }
  // The new object is a new one: the old one's version and identity must not come along.
  const { resourceVersion: _version, uid: _uid, ...metadata } = object.metadata ?? {};
  try {
    return await resource.create({ ...object, metadata } as never, { fieldManager: flags.fieldManager });
  } catch (err) {
    throw sourced(err, 'replacing', manifest);
  }
}

/** Checks the flags before anything is read or sent; returns the deletion --force asks for. */
function checkFlags(flags: ReplaceFlags, report: WriteReport): DeleteOptions {
  refuseKustomize(flags);
  if (flags.filename.length === 0) throw new CliError('must specify one of -f and -k');
  const propagationPolicy = parseCascade(flags.cascade);
  if (flags.force && report.dryRun !== 'none') throw new CliError('--dry-run can not be used when --force is set');
  if (flags.gracePeriod >= 0 && !flags.force) throw new CliError('--grace-period must have --force specified');
  if (flags.timeout && !flags.force) throw new CliError('--timeout must have --force specified');
  if (flags.subresource !== undefined && !SUBRESOURCES.includes(flags.subresource)) {
    throw new CliError(`invalid subresource value: "${flags.subresource}". Must be one of [${SUBRESOURCES.join(' ')}]`);
  }
  return { propagationPolicy, ...(flags.gracePeriod >= 0 ? { gracePeriodSeconds: flags.gracePeriod } : {}) };
}

async function runReplace(ctx: CliContext, flags: ReplaceFlags): Promise<number> {
  const report = new WriteReport(ctx, flags, { fromFiles: true });
  const deleteOptions = checkFlags(flags, report);
  const { manifests, errors } = await loadManifests(flags.filename, {
    stdin: ctx.io.stdin,
    recursive: flags.recursive ?? false,
    namespace: await ctx.namespace(),
    namespaceExplicit: ctx.namespaceExplicit,
    verb: 'replace',
  });
  const client = manifests.length > 0 ? await ctx.client() : undefined;
  for (const manifest of manifests) {
    try {
      const object = flags.saveConfig ? withLastApplied(manifest.info, manifest.object) : structuredClone(manifest.object);
      const written = flags.force ? await forceReplaceOne(ctx, client!, manifest, object, flags, deleteOptions) : await replaceOne(client!, manifest, object, flags, report);
      report.written(manifest.info, written, 'replaced');
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

export function replaceCommand(deps: VerbDeps = defaultDeps): Command {
  const command = new Command('replace')
    .description('Replace a resource by file name or stdin: the whole object is written over the live one')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the configurations to replace; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too')
    .option('--force', 'delete the live objects, wait until they are gone, and create them again')
    .option('--grace-period <seconds>', 'with --force: seconds the deleted objects get to terminate gracefully (ignored if negative)', integer, -1)
    .option('--cascade <strategy>', 'with --force: background, foreground or orphan, for the dependents of the deleted objects', 'background')
    .option('--timeout <duration>', 'with --force: how long to wait for the deletion (e.g. 30s)', duration)
    .option('--save-config', 'store the configuration in the last-applied annotation so that apply works later')
    .option('--subresource <name>', 'replace this subresource instead of the object (status)')
    .option('--field-manager <name>', 'name of the manager used to track field ownership', 'kubectl-replace');
  addKustomizeOption(addWriteOptions(command));
  return command.action(verbAction(deps, (ctx, _args, cmd) => runReplace(ctx, cmd.opts<ReplaceFlags>())));
}
