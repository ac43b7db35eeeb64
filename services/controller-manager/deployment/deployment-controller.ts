import { isApiError } from '../../../lib/api/errors.js';
import type { Deployment, Pod, ReplicaSet } from '../../../lib/api/generated/index.js';
import { keyFor, keyOf } from '../../../lib/client/keys.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { LabelSelectorError, selectorFromLabelSelector, type Selector } from '../../../lib/labels/selector.js';
import { claimObjects, controllerOf } from '../common/controller-ref.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { byControllerUid, CONTROLLER_UID_INDEX, involvedObject } from '../common/indexes.js';
import { ownerKeysFor } from '../common/owner-keys.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { isRollingUpdate } from './fenceposts.js';
import { DEPLOYMENT_KIND, DeploymentSync } from './deployment-sync.js';

interface DeploymentControllerOptions {
  /** --concurrent-deployment-syncs; default 5. */
  workers?: number;
}

/**
 * Kubernetes' deployment controller: a Deployment owns ReplicaSets named after its pod template's
 * hash; it claims the ReplicaSets its selector matches and rolls from the old ones to the new one
 * (see DeploymentSync), reporting progress in status.
 */
export class DeploymentController extends QueueController {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, options: DeploymentControllerOptions = {}) {
    super('deployment', ctx, { workers: options.workers ?? 5 });
    this.deployments = ctx.informers.informerFor('deployment');
    this.replicaSets = ctx.informers.informerFor('replicaSet');
    this.pods = ctx.informers.informerFor('pod');
    ensureIndex(this.replicaSets.store, CONTROLLER_UID_INDEX, byControllerUid);
    ensureIndex(this.pods.store, CONTROLLER_UID_INDEX, byControllerUid);
    this.recorder = ctx.recorder('deployment-controller');
  }

  protected handlers(): HandlerRegistration[] {
    return [
      () => this.deployments.addEventHandler(onEveryChange((d) => this.queue.add(keyOf(d)))),
      () =>
        this.replicaSets.addEventHandler(
          onRelatedChange((rs) => {
            for (const key of ownerKeysFor(rs, DEPLOYMENT_KIND, this.deployments.store, (d) => selectorFromLabelSelector(d.spec?.selector))) this.queue.add(key);
          }),
        ),
      // Recreate waits for the old pods to be gone.
      () => this.pods.addEventHandler({ onDelete: (pod) => this.enqueueRecreateOwnerOf(pod) }),
    ];
  }

  private enqueueRecreateOwnerOf(pod: Pod): void {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const namespace = pod.metadata?.namespace ?? '';
    const rs = this.replicaSets.store.get(keyFor(namespace, ref.name ?? ''));
    const owner = rs && controllerOf(rs);
    if (owner?.kind !== DEPLOYMENT_KIND.kind) return;
    const key = keyFor(namespace, owner.name ?? '');
    const d = this.deployments.store.get(key);
    if (d && !isRollingUpdate(d)) this.queue.add(key);
  }

  private selectorOf(d: Deployment): Selector | undefined {
    try {
      return selectorFromLabelSelector(d.spec?.selector);
    } catch (err) {
      if (err instanceof LabelSelectorError) return undefined;
      throw err;
    }
  }

  async sync(key: string): Promise<void> {
    const cached = this.deployments.store.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const selector = this.selectorOf(d);
    if (!selector) {
      this.log.warn({ key }, 'invalid selector');
      return;
    }
    if (selector.empty()) {
      this.recorder.event(involvedObject(d, DEPLOYMENT_KIND), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata?.generation ?? 0 };
        await this.ctx.client.resource('deployment').updateStatus(d);
      }
      return;
    }
    const namespace = d.metadata?.namespace ?? '';
    const rsList = await claimObjects(this.replicaSets.store.listByIndex(NAMESPACE_INDEX, namespace), {
      owner: d,
      ownerKind: DEPLOYMENT_KIND,
      selector,
      resource: this.ctx.client.resource('replicaSet'),
      readOwner: () => this.readFresh(d),
    });
    const podsByRs = new Map<string, readonly Pod[]>();
    for (const rs of rsList) {
      const uid = rs.metadata?.uid ?? '';
      podsByRs.set(uid, this.pods.store.listByIndex(CONTROLLER_UID_INDEX, uid));
    }
    const run = new DeploymentSync(
      {
        client: this.ctx.client,
        recorder: this.recorder,
        log: this.log,
        now: () => this.ctx.now(),
        requeueAfter: (deployment, ms) => this.queue.addAfter(keyOf(deployment), ms),
      },
      d,
      rsList.map((rs) => structuredClone(rs)),
      podsByRs,
    );
    await run.run();
  }

  private async readFresh(d: Deployment): Promise<Deployment | undefined> {
    try {
      return await this.ctx.client.resource('deployment').get(d.metadata?.namespace ?? '', d.metadata?.name ?? '');
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }
}
