import { isApiError } from '../../../lib/api/errors.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import { keyFor, keyOf } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder, InvolvedObject } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import {
  BIND_COMPLETED_ANNOTATION,
  BOUND_BY_CONTROLLER_ANNOTATION,
  LOCAL_PATH_PROVISIONER,
  SELECTED_NODE_ANNOTATION,
  STORAGE_PROVISIONER_ANNOTATION,
} from '../../../lib/storage/annotations.js';
import { claimClassName } from '../../../lib/storage/classes.js';
import type { ControllerContext } from '../common/controller.js';
import { QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { deleteLocalPathDirectory, isLocalPathVolume, provisionVolume, ProvisioningError } from './local-path-provisioner.js';
import { findMatchingVolume, isVolumeBoundToClaim, volumeMismatch, type SelectedNode } from '../../../lib/storage/volume-matching.js';

export interface PersistentVolumeControllerOptions {
  /** --local-path-dir: where the local-path provisioner keeps volumes, one folder per node. */
  localPathDir: string;
  /** How often every claim and volume is looked at again (Kubernetes: 15 s). */
  resyncPeriodMs?: number;
}

const CLAIM = 'claim:';
const VOLUME = 'volume:';
const YES = 'yes';

const claimEventTarget = (claim: PersistentVolumeClaim): InvolvedObject => ({
  kind: 'PersistentVolumeClaim',
  apiVersion: 'v1',
  namespace: claim.metadata?.namespace ?? '',
  name: claim.metadata?.name ?? '',
  uid: claim.metadata?.uid ?? '',
  resourceVersion: claim.metadata?.resourceVersion ?? '',
});

const volumeEventTarget = (pv: PersistentVolume): InvolvedObject => ({
  kind: 'PersistentVolume',
  apiVersion: 'v1',
  namespace: '',
  name: pv.metadata?.name ?? '',
  uid: pv.metadata?.uid ?? '',
  resourceVersion: pv.metadata?.resourceVersion ?? '',
});

function isNodeReady(node: Node): boolean {
  return !node.spec?.unschedulable && (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Kubernetes' persistentvolume-binder controller with kubets' local-path provisioner inside it.
 * Level-triggered over two kinds of keys: a claim's sync binds it (to the smallest Available
 * volume that fits, to the volume it names, or to a volume it had provisioned) or says in an
 * event why it waits; a volume's sync keeps its phase (Available, Bound, Released, Failed) in
 * line with its claim and reclaims it once the claim is gone (Retain keeps it Released, Delete
 * removes it, and the local-path provisioner's directory with it).
 *
 * Binding writes the volume first (claimRef, phase Bound), then the claim (volumeName,
 * bind-completed, phase Bound): a crash between the two leaves a volume bound to a claim that
 * is not yet, which the claim's next sync completes, as in Kubernetes.
 */
export class PersistentVolumeController extends QueueController {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly nodes: Informer<Node>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly volumeClient: ResourceClient<PersistentVolume>;
  private readonly recorder: EventRecorder;

  constructor(
    ctx: ControllerContext,
    private readonly options: PersistentVolumeControllerOptions,
  ) {
    super('persistentvolume-binder', ctx, { workers: 1, resyncPeriodMs: options.resyncPeriodMs ?? 15_000 });
    this.claims = ctx.informers.informerFor('persistentVolumeClaim');
    this.volumes = ctx.informers.informerFor('persistentVolume');
    this.classes = ctx.informers.informerFor('storageClass');
    this.nodes = ctx.informers.informerFor('node');
    this.claimClient = ctx.client.resource('persistentVolumeClaim');
    this.volumeClient = ctx.client.resource('persistentVolume');
    this.recorder = ctx.recorder('persistentvolume-controller');
  }

  protected handlers(): HandlerRegistration[] {
    const claimChanged = (claim: PersistentVolumeClaim): void => {
      this.queue.add(CLAIM + keyOf(claim));
      if (claim.spec?.volumeName) this.queue.add(VOLUME + claim.spec.volumeName);
    };
    const volumeChanged = (pv: PersistentVolume): void => {
      this.queue.add(VOLUME + keyOf(pv));
      const ref = pv.spec?.claimRef;
      if (ref?.name) this.queue.add(CLAIM + keyFor(ref.namespace ?? '', ref.name));
      // A free volume may be what a pending claim waits for (Kubernetes waits for its resync).
      else if (pv.status?.phase === 'Available') this.enqueuePendingClaims();
    };
    return [
      () => this.claims.addEventHandler({ onAdd: claimChanged, onUpdate: (_old, cur) => claimChanged(cur), onDelete: claimChanged }),
      () => this.volumes.addEventHandler({ onAdd: volumeChanged, onUpdate: (_old, cur) => volumeChanged(cur), onDelete: volumeChanged }),
      // A new class may be what a pending claim waits for.
      () => this.classes.addEventHandler({ onAdd: () => this.enqueuePendingClaims() }),
    ];
  }

  protected override resyncKeys(): Iterable<string> {
    return [...this.claims.store.list().map((c) => CLAIM + keyOf(c)), ...this.volumes.store.list().map((v) => VOLUME + keyOf(v))];
  }

  private enqueuePendingClaims(): void {
    for (const claim of this.claims.store.list()) if (!claim.spec?.volumeName) this.queue.add(CLAIM + keyOf(claim));
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith(CLAIM)) await this.syncClaim(key.slice(CLAIM.length));
    else if (key.startsWith(VOLUME)) await this.syncVolume(key.slice(VOLUME.length));
  }

  // ---- claims ----

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.store.get(key);
    if (!claim || claim.metadata?.deletionTimestamp) return;
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      await this.syncUnboundClaim(claim);
      return;
    }
    const pv = this.volumes.store.get(volumeName);
    if (!pv) {
      if (claim.status?.phase === 'Bound' || claim.status?.phase === 'Lost') {
        await this.setClaimPhase(claim, 'Lost');
        this.recorder.event(claimEventTarget(claim), 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      } else {
        await this.setClaimPhase(claim, 'Pending');
        this.recorder.event(claimEventTarget(claim), 'Normal', 'FailedBinding', `volume "${volumeName}" not found`);
      }
      return;
    }
    if (!pv.spec?.claimRef) {
      // The user named the volume: bind it if it fits.
      const mismatch = volumeMismatch(pv, claim);
      if (mismatch) {
        await this.setClaimPhase(claim, 'Pending');
        this.recorder.event(claimEventTarget(claim), 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volumeName}": ${mismatch}`);
        return;
      }
      await this.bind(pv, claim);
      return;
    }
    if (isVolumeBoundToClaim(pv, claim)) {
      await this.bind(pv, claim);
      return;
    }
    // The volume went to another claim.
    if (claim.status?.phase === 'Bound' || claim.status?.phase === 'Lost') {
      await this.setClaimPhase(claim, 'Lost');
      this.recorder.event(claimEventTarget(claim), 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    } else {
      await this.setClaimPhase(claim, 'Pending');
    }
  }

  private async syncUnboundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const className = claimClassName(claim);
    const sc = className ? this.classes.store.get(className) : undefined;
    const delayed = sc?.volumeBindingMode === 'WaitForFirstConsumer';
    const selectedNodeName = claim.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
    const selectedNode = selectedNodeName ? this.nodes.store.get(selectedNodeName) : undefined;
    const node: SelectedNode | undefined = selectedNode ? { name: selectedNodeName ?? '', labels: selectedNode.metadata?.labels ?? {} } : undefined;
    if (delayed && !selectedNodeName) {
      await this.setClaimPhase(claim, 'Pending');
      this.recorder.event(claimEventTarget(claim), 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    const pv = findMatchingVolume(claim, this.volumes.store.list(), delayed ? node : undefined);
    if (pv) {
      await this.bind(pv, claim);
      return;
    }
    await this.setClaimPhase(claim, 'Pending');
    if (!className) {
      this.recorder.event(claimEventTarget(claim), 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    if (!sc) {
      this.recorder.event(claimEventTarget(claim), 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (sc.provisioner !== LOCAL_PATH_PROVISIONER) {
      this.recorder.event(
        claimEventTarget(claim),
        'Normal',
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${sc.provisioner ?? ''}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      );
      return;
    }
    await this.provision(claim, sc, delayed ? selectedNode : this.anyReadyNode());
  }

  /** Immediate claims go to any Ready node; the first by name, so retries pick the same one. */
  private anyReadyNode(): Node | undefined {
    return this.nodes.store
      .list()
      .filter(isNodeReady)
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
  }

  private async provision(claim: PersistentVolumeClaim, sc: StorageClass, node: Node | undefined): Promise<void> {
    const ref = claimEventTarget(claim);
    if (!node) {
      const selected = claim.metadata?.annotations?.[SELECTED_NODE_ANNOTATION];
      const why = selected ? `selected node "${selected}" not found` : 'no Ready node to provision a local volume on';
      this.recorder.event(ref, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": ${why}`);
      return;
    }
    let pv: PersistentVolume;
    try {
      pv = provisionVolume(claim, sc, node, this.options.localPathDir);
    } catch (err) {
      if (!(err instanceof ProvisioningError)) throw err;
      this.recorder.event(ref, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": ${err.message}`);
      return;
    }
    if (claim.metadata?.annotations?.[STORAGE_PROVISIONER_ANNOTATION] !== LOCAL_PATH_PROVISIONER) {
      const annotated = structuredClone(claim);
      annotated.metadata = { ...annotated.metadata, annotations: { ...annotated.metadata?.annotations, [STORAGE_PROVISIONER_ANNOTATION]: LOCAL_PATH_PROVISIONER } };
      await this.claimClient.update(annotated);
      this.recorder.event(ref, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${keyOf(claim)}"`);
    }
    try {
      await this.volumeClient.create(pv);
    } catch (err) {
      // Made by an earlier sync whose result this cache has not seen yet.
      if (!isApiError(err, 'AlreadyExists')) throw err;
      return;
    }
    this.log.info({ claim: keyOf(claim), volume: pv.metadata?.name, node: node.metadata?.name }, 'provisioned volume');
    this.recorder.event(ref, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata?.name ?? ''}`);
  }

  /** Both sides, each write only when something is missing; safe to repeat. */
  private async bind(pv: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    const meta = claim.metadata ?? {};
    const volumeName = pv.metadata?.name ?? '';
    let volume = pv;
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid !== meta.uid) {
      const next = structuredClone(volume);
      next.spec = {
        ...next.spec,
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '', resourceVersion: meta.resourceVersion ?? '' },
      };
      if (!ref) next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [BOUND_BY_CONTROLLER_ANNOTATION]: YES } };
      volume = await this.volumeClient.update(next);
    }
    if (volume.status?.phase !== 'Bound') volume = await this.volumeClient.updateStatus({ ...volume, status: { ...volume.status, phase: 'Bound', message: '', reason: '' } });

    let bound = claim;
    const annotations = meta.annotations ?? {};
    if (claim.spec?.volumeName !== volumeName || annotations[BIND_COMPLETED_ANNOTATION] !== YES) {
      const next = structuredClone(claim);
      const byController = claim.spec?.volumeName !== volumeName;
      next.spec = { ...next.spec, volumeName };
      next.metadata = {
        ...next.metadata,
        annotations: { ...annotations, [BIND_COMPLETED_ANNOTATION]: YES, ...(byController && { [BOUND_BY_CONTROLLER_ANNOTATION]: YES }) },
      };
      bound = await this.claimClient.update(next);
    }
    const capacity = volume.spec?.capacity ?? {};
    const accessModes = volume.spec?.accessModes ?? [];
    const status = bound.status ?? {};
    if (status.phase !== 'Bound' || JSON.stringify(status.capacity ?? {}) !== JSON.stringify(capacity) || (status.accessModes ?? []).join() !== accessModes.join()) {
      await this.claimClient.updateStatus({ ...bound, status: { ...status, phase: 'Bound', capacity: { ...capacity }, accessModes: [...accessModes] } });
      this.log.info({ claim: keyOf(claim), volume: volumeName }, 'bound claim');
    }
  }

  private async setClaimPhase(claim: PersistentVolumeClaim, phase: string): Promise<void> {
    if (claim.status?.phase === phase) return;
    await this.claimClient.updateStatus({ ...claim, status: { ...claim.status, phase } });
  }

  // ---- volumes ----

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.store.get(name);
    if (!pv) return;
    const ref = pv.spec?.claimRef;
    if (!ref?.name) {
      await this.setVolumePhase(pv, 'Available');
      return;
    }
    const claim = this.claims.store.get(keyFor(ref.namespace ?? '', ref.name));
    if (!ref.uid) {
      // Pre-bound by the user to a claim that is not bound yet: the claim's sync finishes it.
      await this.setVolumePhase(pv, 'Available');
      return;
    }
    if (claim && claim.metadata?.uid === ref.uid) {
      if (claim.spec?.volumeName === name) await this.setVolumePhase(pv, 'Bound');
      else if (!claim.spec?.volumeName) this.queue.add(CLAIM + keyOf(claim));
      else if (pv.metadata?.annotations?.[BOUND_BY_CONTROLLER_ANNOTATION] === YES) await this.unbind(pv);
      return;
    }
    // The claim is gone (or a new one took its name): this volume is released.
    if (claim === undefined && (await this.claimStillExists(ref.namespace ?? '', ref.name, ref.uid))) return;
    await this.reclaim(pv);
  }

  /** The cache may lag behind a claim just created: ask the apiserver before releasing a volume. */
  private async claimStillExists(namespace: string, name: string, uid: string): Promise<boolean> {
    try {
      const live = await this.claimClient.get(namespace, name);
      return live.metadata?.uid === uid;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return false;
      throw err;
    }
  }

  /** The binder's own claimRef on a volume whose claim went elsewhere: free the volume again. */
  private async unbind(pv: PersistentVolume): Promise<void> {
    const next = structuredClone(pv);
    if (next.spec) delete next.spec.claimRef;
    const annotations = { ...next.metadata?.annotations };
    delete annotations[BOUND_BY_CONTROLLER_ANNOTATION];
    next.metadata = { ...next.metadata, annotations };
    const updated = await this.volumeClient.update(next);
    await this.setVolumePhase(updated, 'Available');
  }

  private async reclaim(pv: PersistentVolume): Promise<void> {
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') {
      pv = await this.setVolumePhase(pv, 'Released');
    }
    if (pv.status?.phase === 'Failed') return;
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy !== 'Delete' || pv.metadata?.deletionTimestamp) return;
    if (!isLocalPathVolume(pv)) {
      const message = `error getting deleter volume plugin for volume "${pv.metadata?.name ?? ''}": no deletable volume plugin matched`;
      await this.volumeClient.updateStatus({ ...pv, status: { ...pv.status, phase: 'Failed', message } });
      this.recorder.event(volumeEventTarget(pv), 'Warning', 'VolumeFailedDelete', message);
      return;
    }
    try {
      await deleteLocalPathDirectory(pv, this.options.localPathDir);
    } catch (err) {
      if (!(err instanceof ProvisioningError)) throw err;
      await this.volumeClient.updateStatus({ ...pv, status: { ...pv.status, phase: 'Failed', message: err.message } });
      this.recorder.event(volumeEventTarget(pv), 'Warning', 'VolumeFailedDelete', err.message);
      return;
    }
    try {
      await this.volumeClient.delete('', pv.metadata?.name ?? '', { preconditions: { uid: pv.metadata?.uid ?? '' } });
      this.log.info({ volume: pv.metadata?.name }, 'deleted released volume');
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }

  private async setVolumePhase(pv: PersistentVolume, phase: string): Promise<PersistentVolume> {
    if (pv.status?.phase === phase) return pv;
    return this.volumeClient.updateStatus({ ...pv, status: { ...pv.status, phase, message: '', reason: '' } });
  }
}
