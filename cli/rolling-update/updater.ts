import { setTimeout as sleep } from 'node:timers/promises';
import { isApiError } from '../../lib/api/errors.js';
import type { ReplicationController } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { selectorFromSet } from '../../lib/labels/selector.js';
import { CliError } from '../errors.js';
import { mutateObject } from '../mutate.js';
import { pollUntil } from '../wait.js';
import { fenceposts, isPodAvailable, scaleDownTarget, scaleUpTarget } from './steps.js';

// kubectl 1.10's client-side rolling update of replication controllers: create the new controller
// at size 0, then alternately grow it by one and shrink the old one as new pods become available,
// waiting `updatePeriod` between the two, and finally delete the old controller (renaming the new
// one to the old name when the name is kept). Progress is recorded in annotations so an
// interrupted update can be continued.

const PREFIX = 'kubectl.kubernetes.io/';
export const SOURCE_ID_ANNOTATION = `${PREFIX}update-source-id`;
const DESIRED_REPLICAS_ANNOTATION = `${PREFIX}desired-replicas`;
const ORIGINAL_REPLICAS_ANNOTATION = `${PREFIX}original-replicas`;
export const NEXT_CONTROLLER_ANNOTATION = `${PREFIX}next-controller-id`;

type CleanupPolicy = 'Delete' | 'Rename';

interface RollingUpdaterOptions {
  out: (text: string) => void;
  /** Time between growing the new controller and shrinking the old one. */
  updatePeriodMs: number;
  /** Time between polls of a controller's status after resizing it. */
  pollIntervalMs: number;
  /** How long a step may make no progress before the update gives up. */
  timeoutMs: number;
}

const RENAME_WAIT_MS = 60_000;

export class RollingUpdater {
  constructor(
    private readonly client: ApiClient,
    private readonly namespace: string,
    private readonly opts: RollingUpdaterOptions,
  ) {}

  private get rcs() {
    return this.client.resource('replicationController');
  }

  /** Replaces oldRc's pods with newRc's one at a time, then applies the cleanup policy. */
  async update(oldRcIn: ReplicationController, newRcIn: ReplicationController, policy: CleanupPolicy): Promise<void> {
    let oldRc = oldRcIn;
    const sourceId = `${oldRc.metadata?.name ?? ''}:${oldRc.metadata?.uid ?? ''}`;
    let { rc: newRc, existed } = await this.getOrCreateTarget(newRcIn, sourceId);
    this.opts.out(existed ? `Continuing update with existing controller ${name(newRc)}.\n` : `Created ${name(newRc)}\n`);
    const desiredText = newRc.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION] ?? '';
    if (!/^\d+$/.test(desiredText)) {
      throw new CliError(`Unable to parse annotation for ${name(newRc)}: ${DESIRED_REPLICAS_ANNOTATION}=${desiredText}`);
    }
    const desired = Number(desiredText);
    if (oldRc.metadata?.annotations?.[ORIGINAL_REPLICAS_ANNOTATION] === undefined) {
      ({ object: oldRc } = await mutateObject(this.rcs, this.namespace, name(oldRc), (rc) => {
        (rc.metadata!.annotations ??= {})[ORIGINAL_REPLICAS_ANNOTATION] = String(rc.spec?.replicas ?? 0);
        return true;
      }));
    }
    const f = fenceposts(desired, replicas(oldRc));
    this.opts.out(
      `Scaling up ${name(newRc)} from ${replicas(newRc)} to ${desired}, scaling down ${name(oldRc)} from ${replicas(oldRc)} to 0 ` +
        `(keep ${f.minAvailable} pods available, don't exceed ${desired + f.maxSurge} pods)\n`,
    );
    let progressDeadline = Date.now() + this.opts.timeoutMs;
    while (replicas(newRc) !== desired || replicas(oldRc) !== 0) {
      const before = [replicas(newRc), replicas(oldRc)];
      const up = scaleUpTarget(replicas(newRc), replicas(oldRc), f);
      if (up !== undefined) {
        this.opts.out(`Scaling ${name(newRc)} up to ${up}\n`);
        newRc = await this.scaleAndWait(newRc, up);
      }
      await sleep(this.opts.updatePeriodMs);
      if (replicas(oldRc) !== 0) {
        const newAvailable = await this.availablePods(newRc);
        const down = scaleDownTarget(replicas(newRc), replicas(oldRc), newAvailable, f);
        if (down !== undefined) {
          this.opts.out(`Scaling ${name(oldRc)} down to ${down}\n`);
          oldRc = await this.scaleAndWait(oldRc, down);
        }
      }
      if (replicas(newRc) !== before[0] || replicas(oldRc) !== before[1]) progressDeadline = Date.now() + this.opts.timeoutMs;
      else if (Date.now() > progressDeadline) throw new CliError('timed out waiting for any update progress to be made');
      else await sleep(this.opts.pollIntervalMs);
    }
    await this.cleanup(oldRc, newRc, policy);
  }

  private async getOrCreateTarget(rc: ReplicationController, sourceId: string): Promise<{ rc: ReplicationController; existed: boolean }> {
    try {
      const existing = await this.rcs.get(this.namespace, name(rc));
      const annotations = existing.metadata?.annotations ?? {};
      if (annotations[SOURCE_ID_ANNOTATION] !== sourceId || annotations[DESIRED_REPLICAS_ANNOTATION] === undefined) {
        throw new CliError(`Missing/unexpected annotations for controller ${name(rc)}, expected ${sourceId} : ${JSON.stringify(annotations)}`);
      }
      return { rc: existing, existed: true };
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
    if (replicas(rc) <= 0) throw new CliError(`Invalid controller spec for ${name(rc)}; required: > 0 replicas, actual: ${replicas(rc)}`);
    const created = structuredClone(rc);
    const annotations = ((created.metadata ??= {}).annotations ??= {});
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(replicas(rc));
    annotations[SOURCE_ID_ANNOTATION] = sourceId;
    created.spec = { ...created.spec, replicas: 0 };
    return { rc: await this.rcs.create(created, { namespace: this.namespace }), existed: false };
  }

  /** Resizes a controller and waits until its status reports the new size (kubectl's scaler with wait). */
  private async scaleAndWait(rc: ReplicationController, size: number): Promise<ReplicationController> {
    await mutateObject(this.rcs, this.namespace, name(rc), (live) => {
      live.spec = { ...live.spec, replicas: size };
      return true;
    });
    return this.waitSynced(rc);
  }

  /** Waits until the controller manager has seen the controller's spec and reached its size. */
  private async waitSynced(rc: ReplicationController): Promise<ReplicationController> {
    let latest = rc;
    const synced = await pollUntil(async () => {
      latest = await this.rcs.get(this.namespace, name(rc));
      const status = latest.status ?? {};
      return (status.observedGeneration ?? 0) >= (latest.metadata?.generation ?? 0) && (status.replicas ?? 0) === replicas(latest);
    }, this.opts.timeoutMs);
    if (!synced) throw new CliError('timed out waiting for the condition');
    return latest;
  }

  private async availablePods(rc: ReplicationController): Promise<number> {
    const selector = selectorFromSet(rc.spec?.selector ?? {}).toString();
    const { items } = await this.client.resource('pod').listAll(this.namespace, { labelSelector: selector });
    const now = Date.now();
    return items.filter((pod) => isPodAvailable(pod, rc.spec?.minReadySeconds ?? 0, now)).length;
  }

  private async cleanup(oldRc: ReplicationController, newRcIn: ReplicationController, policy: CleanupPolicy): Promise<void> {
    const { object: newRc } = await mutateObject(this.rcs, this.namespace, name(newRcIn), (rc) => {
      const annotations = rc.metadata?.annotations ?? {};
      delete annotations[SOURCE_ID_ANNOTATION];
      delete annotations[DESIRED_REPLICAS_ANNOTATION];
      return true;
    });
    await this.waitSynced(newRc);
    if (policy === 'Delete') {
      this.opts.out(`Update succeeded. Deleting ${name(oldRc)}\n`);
      await this.rcs.delete(this.namespace, name(oldRc));
      return;
    }
    this.opts.out(`Update succeeded. Deleting old controller: ${name(oldRc)}\n`);
    await this.rcs.delete(this.namespace, name(oldRc));
    this.opts.out(`Renaming ${name(newRc)} to ${name(oldRc)}\n`);
    await renameController(this.client, this.namespace, newRc, name(oldRc));
  }
}

/**
 * Gives a controller another name: deletes it orphaning its pods, waits until it is gone, and
 * creates the same controller under the new name, which adopts the pods again.
 */
export async function renameController(client: ApiClient, namespace: string, rc: ReplicationController, newName: string): Promise<void> {
  const rcs = client.resource('replicationController');
  const oldName = name(rc);
  try {
    await rcs.delete(namespace, oldName, { propagationPolicy: 'Orphan' });
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
  }
  const gone = await pollUntil(async () => {
    try {
      await rcs.get(namespace, oldName);
      return false;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return true;
      throw err;
    }
  }, RENAME_WAIT_MS);
  if (!gone) throw new CliError('timed out waiting for the condition');
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, generation: _g, deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, ...metadata } = rc.metadata ?? {};
  await rcs.create({ ...rc, metadata: { ...metadata, name: newName }, status: {} }, { namespace });
}

function name(rc: ReplicationController): string {
  return rc.metadata?.name ?? '';
}

function replicas(rc: ReplicationController): number {
  return rc.spec?.replicas ?? 0;
}
