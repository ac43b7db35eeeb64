import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../../lib/api/generated/index.js';
import { keyFor, keyOf } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../../../lib/storage/annotations.js';
import type { ControllerContext } from '../common/controller.js';
import { isPodTerminal } from '../common/pod-util.js';
import { QueueController, type HandlerRegistration } from '../common/queue-controller.js';

const CLAIM = 'claim:';
const VOLUME = 'volume:';

/** The claims a pod's volumes name. */
function claimNamesOf(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName ?? '').filter((n) => n !== '');
}

function withFinalizers<T extends PersistentVolume | PersistentVolumeClaim>(obj: T, finalizers: string[]): T {
  const next = structuredClone(obj);
  next.metadata = { ...next.metadata, finalizers };
  return next;
}

/**
 * Kubernetes' pvc-protection and pv-protection controllers in one loop: every claim carries
 * `kubernetes.io/pvc-protection` and every volume `kubernetes.io/pv-protection`. A claim being
 * deleted keeps its finalizer while a pod that is not finished uses it; a volume being deleted
 * keeps it while it is Bound. So deleting either never pulls storage from under a running pod.
 * (Kubernetes adds the finalizers at admission; here this controller adds them once it sees the
 * object, which leaves a short window after creation.)
 */
export class StorageProtectionController extends QueueController {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly pods: Informer<Pod>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly volumeClient: ResourceClient<PersistentVolume>;

  constructor(ctx: ControllerContext) {
    super('storage-protection', ctx, { workers: 1 });
    this.claims = ctx.informers.informerFor('persistentVolumeClaim');
    this.volumes = ctx.informers.informerFor('persistentVolume');
    this.pods = ctx.informers.informerFor('pod');
    this.claimClient = ctx.client.resource('persistentVolumeClaim');
    this.volumeClient = ctx.client.resource('persistentVolume');
  }

  protected handlers(): HandlerRegistration[] {
    const claimsOfPod = (pod: Pod): void => {
      for (const name of claimNamesOf(pod)) this.queue.add(CLAIM + keyFor(pod.metadata?.namespace ?? '', name));
    };
    return [
      () => this.claims.addEventHandler({ onAdd: (c) => this.queue.add(CLAIM + keyOf(c)), onUpdate: (_o, c) => this.queue.add(CLAIM + keyOf(c)) }),
      () => this.volumes.addEventHandler({ onAdd: (v) => this.queue.add(VOLUME + keyOf(v)), onUpdate: (_o, v) => this.queue.add(VOLUME + keyOf(v)) }),
      // A pod that finishes or goes may release a claim being deleted.
      () => this.pods.addEventHandler({ onUpdate: (_o, p) => claimsOfPod(p), onDelete: claimsOfPod }),
    ];
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith(CLAIM)) await this.syncClaim(key.slice(CLAIM.length));
    else if (key.startsWith(VOLUME)) await this.syncVolume(key.slice(VOLUME.length));
  }

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.store.get(key);
    if (!claim) return;
    const finalizers = claim.metadata?.finalizers ?? [];
    const has = finalizers.includes(PVC_PROTECTION_FINALIZER);
    if (!claim.metadata?.deletionTimestamp) {
      if (!has) await this.claimClient.update(withFinalizers(claim, [...finalizers, PVC_PROTECTION_FINALIZER]));
      return;
    }
    if (!has || this.claimInUse(claim)) return;
    await this.claimClient.update(withFinalizers(claim, finalizers.filter((f) => f !== PVC_PROTECTION_FINALIZER)));
    this.log.info({ claim: key }, 'removed pvc-protection finalizer: no pod uses the claim');
  }

  private claimInUse(claim: PersistentVolumeClaim): boolean {
    const name = claim.metadata?.name ?? '';
    return this.pods.store
      .listByIndex(NAMESPACE_INDEX, claim.metadata?.namespace ?? '')
      .some((pod) => !isPodTerminal(pod) && claimNamesOf(pod).includes(name));
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.store.get(name);
    if (!pv) return;
    const finalizers = pv.metadata?.finalizers ?? [];
    const has = finalizers.includes(PV_PROTECTION_FINALIZER);
    if (!pv.metadata?.deletionTimestamp) {
      if (!has) await this.volumeClient.update(withFinalizers(pv, [...finalizers, PV_PROTECTION_FINALIZER]));
      return;
    }
    if (!has || pv.status?.phase === 'Bound') return;
    await this.volumeClient.update(withFinalizers(pv, finalizers.filter((f) => f !== PV_PROTECTION_FINALIZER)));
  }
}
