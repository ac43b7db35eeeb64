import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import { toKubeJSON } from '../../lib/api/json.js';
import type { ReplicationController } from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import type { ApiClient } from '../../lib/client/client.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { collectWhole, duration } from '../../lib/flags.js';
import { loadManifests } from '../manifests.js';
import { mutateObject } from '../mutate.js';
import { hashObject } from '../rolling-update/steps.js';
import { NEXT_CONTROLLER_ANNOTATION, RollingUpdater, SOURCE_ID_ANNOTATION, renameController } from '../rolling-update/updater.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

interface RollingUpdateFlags {
  filename: string[];
  image?: string;
  container?: string;
  deploymentLabelKey: string;
  imagePullPolicy?: string;
  updatePeriod: number;
  pollInterval: number;
  timeout: number;
}

const RC = resourceByField('replicationController');

/** kubectl's argument checks, in its words. */
export function validateRollingUpdateArgs(args: readonly string[], flags: Pick<RollingUpdateFlags, 'filename' | 'image' | 'deploymentLabelKey'>): void {
  if (!flags.deploymentLabelKey) throw new CliError('--deployment-label-key can not be empty');
  if (flags.filename.length > 1) throw new CliError('May only specify a single filename for new controller');
  if (flags.filename.length === 0 && !flags.image) throw new CliError('Must specify --filename or --image for new controller');
  if (flags.filename.length > 0 && flags.image) throw new CliError('--filename and --image can not both be specified');
  if (args.length < 1) throw new CliError('Must specify the controller to update');
  if (args.length > 2) throw new CliError('rolling-update takes at most two names: OLD_CONTROLLER_NAME [NEW_CONTROLLER_NAME]');
}

/**
 * The next controller for `--image`: the old one with the container's image replaced, named
 * NEW_NAME or OLD-<hash>, its selector and template labelled `<deploymentKey>=<hash>`.
 */
export function controllerForImage(
  oldRc: ReplicationController,
  opts: { image: string; container?: string; deploymentKey: string; newName?: string; pullPolicy?: string },
): ReplicationController {
  const rc = structuredClone(oldRc);
  const containers = rc.spec?.template?.spec?.containers ?? [];
  let index = 0;
  if (opts.container) {
    index = containers.findIndex((c) => c.name === opts.container);
    if (index < 0) throw new CliError(`container ${opts.container} not found in pod`);
  } else if (containers.length > 1) {
    throw new CliError('must specify container to update when updating a multi-container pod');
  }
  const container = containers[index];
  if (!container) throw new CliError(`pod has no containers! (${oldRc.metadata?.name ?? ''})`);
  container.image = opts.image;
  if (opts.pullPolicy) container.imagePullPolicy = opts.pullPolicy;
  const hash = hashObject(toKubeJSON(RC, rc));
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, generation: _g, ...metadata } = rc.metadata ?? {};
  const newName = opts.newName || `${oldRc.metadata?.name ?? ''}-${hash}`;
  const template = rc.spec?.template ?? {};
  return {
    metadata: { ...metadata, name: newName },
    spec: {
      ...rc.spec,
      selector: { ...rc.spec?.selector, [opts.deploymentKey]: hash },
      template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, [opts.deploymentKey]: hash } } },
    },
  };
}

/**
 * Marks the old controller with the name of the next one and, when its selector lacks the
 * deployment key, adds `<key>=<value>` to its template, its pods and then its selector, deleting
 * pods the old selector still matched but the new one does not (kubectl's
 * UpdateExistingReplicationController / AddDeploymentKeyToReplicationController).
 */
async function prepareOldController(client: ApiClient, namespace: string, oldRc: ReplicationController, nextName: string, key: string, value: string): Promise<ReplicationController> {
  const rcs = client.resource('replicationController');
  const oldName = oldRc.metadata?.name ?? '';
  const setNext = (rc: ReplicationController): void => {
    (rc.metadata!.annotations ??= {})[NEXT_CONTROLLER_ANNOTATION] = nextName;
  };
  if (oldRc.spec?.selector?.[key] !== undefined) {
    return (await mutateObject(rcs, namespace, oldName, (rc) => (setNext(rc), true))).object;
  }
  await mutateObject(rcs, namespace, oldName, (rc) => {
    setNext(rc);
    const template = ((rc.spec ??= {}).template ??= {});
    ((template.metadata ??= {}).labels ??= {})[key] = value;
    return true;
  });
  const pods = client.resource('pod');
  const oldSelector = Object.entries(oldRc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  for (const pod of (await pods.listAll(namespace, { labelSelector: oldSelector })).items) {
    await mutateObject(pods, namespace, pod.metadata?.name ?? '', (p) => {
      ((p.metadata ??= {}).labels ??= {})[key] = value;
      return true;
    });
  }
  const { object } = await mutateObject(rcs, namespace, oldName, (rc) => {
    ((rc.spec ??= {}).selector ??= {})[key] = value;
    return true;
  });
  for (const pod of (await pods.listAll(namespace, { labelSelector: oldSelector })).items) {
    if (pod.metadata?.labels?.[key] !== value) await pods.delete(namespace, pod.metadata?.name ?? '');
  }
  return object;
}

/** The controller that an interrupted rename left behind: the one whose update source is the old name. */
async function findSourceController(client: ApiClient, namespace: string, oldName: string): Promise<ReplicationController> {
  const { items } = await client.resource('replicationController').listAll(namespace);
  const found = items.find((rc) => (rc.metadata?.annotations?.[SOURCE_ID_ANNOTATION] ?? '').split(':')[0] === oldName);
  if (!found) throw new CliError(`couldn't find a replication controller with source id == ${oldName}/${namespace}`);
  return found;
}

async function newControllerFromFile(ctx: CliContext, namespace: string, file: string): Promise<{ rc: ReplicationController; replicasDefaulted: boolean }> {
  const { manifests, errors } = await loadManifests([file], {
    stdin: ctx.io.stdin,
    namespace,
    namespaceExplicit: ctx.namespaceExplicit,
    verb: 'rolling-update',
  });
  if (errors.length > 0) throw errors[0];
  if (manifests.length > 1) throw new CliError(`${file} specifies multiple items`);
  const manifest = manifests[0];
  if (!manifest) throw new CliError(`please make sure ${file} exists and is not empty`);
  if (manifest.info.field !== 'replicationController') {
    throw new CliError(`${file} contains a ${manifest.info.group}/${manifest.info.version}, Kind=${manifest.info.kind} not a ReplicationController`);
  }
  const rc = manifest.object as ReplicationController;
  return { rc, replicasDefaulted: rc.spec?.replicas === undefined };
}

async function runRollingUpdate(ctx: CliContext, args: string[], flags: RollingUpdateFlags): Promise<void> {
  validateRollingUpdateArgs(args, flags);
  const oldName = args[0]!;
  const keepOldName = args.length === 1;
  const namespace = await ctx.namespace();
  const client = await ctx.client();
  const rcs = client.resource('replicationController');
  let oldRc: ReplicationController;
  try {
    oldRc = await rcs.get(namespace, oldName);
  } catch (err) {
    if (!isApiError(err, 'NotFound') || !flags.image || !keepOldName) throw err;
    // The old controller is gone but its replacement is not renamed yet: finish the rename.
    await renameController(client, namespace, await findSourceController(client, namespace, oldName), oldName);
    return;
  }
  let newRc: ReplicationController;
  const file = flags.filename[0];
  if (file) {
    const loaded = await newControllerFromFile(ctx, namespace, file);
    newRc = loaded.rc;
    if (loaded.replicasDefaulted) newRc.spec = { ...newRc.spec, replicas: oldRc.spec?.replicas ?? 0 };
  } else {
    const image = flags.image!;
    const newName = args[1] ?? oldRc.metadata?.annotations?.[NEXT_CONTROLLER_ANNOTATION] ?? '';
    let existing: ReplicationController | undefined;
    if (newName) {
      existing = await rcs.get(namespace, newName).catch((err: unknown) => {
        if (isApiError(err, 'NotFound')) return undefined;
        throw err;
      });
    }
    if (existing) {
      const inProgress = existing.spec?.template?.spec?.containers?.[0]?.image ?? '';
      if (inProgress !== image) {
        throw new CliError(`Found existing in-progress update to image (${inProgress}).\nEither continue in-progress update with --image=${inProgress} or rollback with --rollback`);
      }
      ctx.out(`Found existing update in progress (${existing.metadata?.name ?? ''}), resuming.\n`);
      newRc = existing;
    } else {
      const sameImage = oldRc.spec?.template?.spec?.containers?.[0]?.image === image;
      if (sameImage && !flags.imagePullPolicy) {
        throw new CliError('--image-pull-policy (Always|Never|IfNotPresent) must be provided when --image is the same as existing container image');
      }
      newRc = controllerForImage(oldRc, {
        image,
        deploymentKey: flags.deploymentLabelKey,
        ...(flags.container ? { container: flags.container } : {}),
        ...(newName ? { newName } : {}),
        ...(sameImage && flags.imagePullPolicy ? { pullPolicy: flags.imagePullPolicy } : {}),
      });
    }
    const oldHash = `${hashObject(toKubeJSON(RC, oldRc))}-orig`;
    oldRc = await prepareOldController(client, namespace, oldRc, newRc.metadata?.name ?? '', flags.deploymentLabelKey, oldHash);
  }
  const newName = newRc.metadata?.name ?? '';
  if (oldName === newName) throw new CliError(`${file ?? ''} cannot have the same name as the existing ReplicationController ${oldName}`);
  const differs = Object.entries(oldRc.spec?.selector ?? {}).some(([k, v]) => {
    const other = newRc.spec?.selector?.[k];
    return other !== undefined && other !== v;
  });
  if (!differs) throw new CliError(`${file ?? ''} must specify a matching key with non-equal value in Selector for ${oldName}`);
  const updater = new RollingUpdater(client, namespace, {
    out: (text) => ctx.out(text),
    updatePeriodMs: flags.updatePeriod,
    pollIntervalMs: flags.pollInterval,
    timeoutMs: flags.timeout,
  });
  await updater.update(oldRc, newRc, keepOldName ? 'Rename' : 'Delete');
  ctx.out(keepOldName ? `replicationcontroller "${oldName}" rolling updated\n` : `replicationcontroller "${oldName}" rolling updated to "${newName}"\n`);
}

export function rollingUpdateCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('rolling-update')
    .description('Perform a client-side rolling update of a replication controller (as kubectl 1.10 did)')
    .usage('OLD_CONTROLLER_NAME ([NEW_CONTROLLER_NAME] --image=NEW_CONTAINER_IMAGE | -f NEW_CONTROLLER_SPEC)')
    .argument('[names...]', 'OLD_CONTROLLER_NAME [NEW_CONTROLLER_NAME]')
    .option('-f, --filename <file>', 'file or - (stdin) with the new replication controller', collectWhole, [])
    .option('--image <image>', 'image to upgrade the controller to (instead of -f)')
    .option('--container <name>', 'with --image: the container to upgrade (required for multi-container pods)')
    .option('--deployment-label-key <key>', "with --image: the label key telling the two controllers' pods apart", 'deployment')
    .option('--image-pull-policy <policy>', 'with --image: required when the image is the same as the current one (Always|Never|IfNotPresent)')
    .option('--update-period <duration>', 'time to wait between updating pods', duration, 60_000)
    .option('--poll-interval <duration>', 'time between polls of controller status after an update', duration, 3_000)
    .option('--timeout <duration>', 'how long an update step may make no progress before giving up', duration, 300_000)
    .action(verbAction(deps, (ctx, args, cmd) => runRollingUpdate(ctx, args[0] as string[], cmd.opts<RollingUpdateFlags>())));
}
