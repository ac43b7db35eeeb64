import { toKubeJSON } from '../../../lib/api/json.js';
import type { OwnerReference, Pod, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { keyOf, type KubeObject } from '../../../lib/client/keys.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { labelSelectorToString } from '../../../lib/labels/selector.js';
import { budgetCovers } from '../../../lib/policy/disruption-budget.js';
import type { ControllerContext } from '../common/controller.js';
import { controllerOf } from '../common/controller-ref.js';
import { involvedObject } from '../common/indexes.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { BudgetSyncError, computeBudgetStatus, failedBudgetStatus, type ControllerScale } from './budget-status.js';

const PDB_KIND = { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1' };
const POD_KIND = { kind: 'Pod', apiVersion: 'v1' };
const PDB = resourceByField('podDisruptionBudget');

export interface DisruptionControllerOptions {
  workers?: number;
}

/**
 * Kubernetes' disruption controller: keeps each PodDisruptionBudget's status counted from the pods
 * its selector covers (how many are expected, healthy, must stay healthy, and so how many
 * evictions are allowed), with the DisruptionAllowed condition, and drops status.disruptedPods
 * entries once their pod is being deleted, gone, or overdue. The eviction subresource spends the
 * allowed disruptions; this loop gives them back from what it sees.
 */
export class DisruptionController extends QueueController {
  private readonly budgets: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly scaleFinders: ((ref: OwnerReference, namespace: string) => ControllerScale | undefined)[];

  constructor(ctx: ControllerContext, options: DisruptionControllerOptions = {}) {
    super('disruption', ctx, { workers: options.workers ?? 2 });
    this.budgets = ctx.informers.informerFor('podDisruptionBudget');
    this.pods = ctx.informers.informerFor('pod');
    this.recorder = ctx.recorder('controllermanager');
    this.scaleFinders = this.buildScaleFinders();
  }

  protected handlers(): HandlerRegistration[] {
    const enqueueBudgetsOf = (pod: Pod): void => {
      for (const pdb of this.budgets.store.listByIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')) {
        if (budgetCovers(pdb, pod)) this.queue.add(keyOf(pdb));
      }
    };
    // A workload's scale is part of a percentage's or maxUnavailable's arithmetic.
    const enqueueNamespace = (obj: KubeObject): void => {
      for (const pdb of this.budgets.store.listByIndex(NAMESPACE_INDEX, obj.metadata?.namespace ?? '')) this.queue.add(keyOf(pdb));
    };
    const workloads = (['replicationController', 'replicaSet', 'deployment', 'statefulSet'] as const).map(
      (field) => () => this.ctx.informers.informerFor(field).addEventHandler(onRelatedChange<KubeObject>(enqueueNamespace)),
    );
    return [
      () => this.budgets.addEventHandler(onEveryChange((pdb) => this.queue.add(keyOf(pdb)))),
      () => this.pods.addEventHandler(onRelatedChange(enqueueBudgetsOf)),
      ...workloads,
    ];
  }

  async sync(key: string): Promise<void> {
    const pdb = this.budgets.store.get(key);
    if (!pdb || pdb.metadata?.deletionTimestamp) return;
    const namespace = pdb.metadata?.namespace ?? '';
    const pods = this.pods.store.listByIndex(NAMESPACE_INDEX, namespace).filter((pod) => budgetCovers(pdb, pod));
    const ref = involvedObject(pdb, PDB_KIND);
    const now = this.ctx.now();
    if (pods.length === 0) this.recorder.event(ref, 'Normal', 'NoPods', 'No matching pods found');
    let status: PodDisruptionBudgetStatus;
    try {
      const outcome = computeBudgetStatus(pdb, pods, (owner, ns) => this.findScale(owner, ns), now);
      status = outcome.status;
      if (outcome.unmanagedPods.length > 0) {
        this.recorder.event(
          ref,
          'Warning',
          'UnmanagedPods',
          `Pods selected by this PodDisruptionBudget (selector: ${labelSelectorToString(pdb.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
        );
      }
      for (const pod of outcome.notDeleted) {
        this.recorder.event(involvedObject(pod, POD_KIND), 'Warning', 'NotDeleted', `Pod was expected by PDB ${namespace}/${pdb.metadata?.name ?? ''} to be deleted but it wasn't`);
      }
      // Level-triggered but time-dependent: an eviction's entry must be dropped when it expires.
      if (outcome.recheckAt !== undefined) this.queue.addAfter(key, Math.max(0, outcome.recheckAt - now));
    } catch (err) {
      if (!(err instanceof BudgetSyncError)) throw err;
      this.recorder.event(ref, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${err.message}`);
      status = failedBudgetStatus(pdb, err, now);
    }
    await this.writeStatus(pdb, status);
  }

  private async writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> {
    if (sameStatus(pdb.status, status)) return;
    await this.ctx.client.resource('podDisruptionBudget').updateStatus({ ...pdb, metadata: { ...pdb.metadata }, status });
  }

  private findScale(ref: OwnerReference, namespace: string): ControllerScale | undefined {
    for (const find of this.scaleFinders) {
      const found = find(ref, namespace);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The controllers whose scale a budget counts, read from the informers' caches, each checked by
   * uid so a successor of the same name is not mistaken for the pod's controller. A ReplicaSet a
   * Deployment controls answers with the Deployment's replicas (one controller for all its sets).
   */
  private buildScaleFinders(): ((ref: OwnerReference, namespace: string) => ControllerScale | undefined)[] {
    const informers = this.ctx.informers;
    type Scaled = KubeObject & { spec?: { replicas?: number } };
    const lookup = <T extends Scaled>(informer: Informer<T>, kind: string, ref: OwnerReference, namespace: string): T | undefined => {
      if (ref.kind !== kind) return undefined;
      const obj = informer.store.get(`${namespace}/${ref.name ?? ''}`);
      return obj && obj.metadata?.uid === ref.uid ? obj : undefined;
    };
    const scaleOf = (obj: Scaled | undefined): ControllerScale | undefined => (obj ? { uid: obj.metadata?.uid ?? '', replicas: obj.spec?.replicas ?? 0 } : undefined);
    const rcs = informers.informerFor('replicationController');
    const rss = informers.informerFor('replicaSet');
    const deployments = informers.informerFor('deployment');
    const statefulSets = informers.informerFor('statefulSet');
    return [
      (ref, ns) => scaleOf(lookup(rcs, 'ReplicationController', ref, ns)),
      (ref, ns) => {
        const rs = lookup(rss, 'ReplicaSet', ref, ns);
        if (!rs) return undefined;
        const owner = controllerOf(rs);
        if (owner?.kind !== 'Deployment') return scaleOf(rs);
        return scaleOf(lookup(deployments, 'Deployment', owner, ns));
      },
      (ref, ns) => scaleOf(lookup(statefulSets, 'StatefulSet', ref, ns)),
    ];
  }
}

/** Statuses compared in Kubernetes' JSON, where absent and empty fields read alike. */
function sameStatus(a: PodDisruptionBudgetStatus | undefined, b: PodDisruptionBudgetStatus): boolean {
  const json = (status: PodDisruptionBudgetStatus | undefined): string => JSON.stringify(toKubeJSON(PDB, { status: status ?? {} }).status);
  return json(a) === json(b);
}
