import { isApiError } from '../../../lib/api/errors.js';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus } from '../../../lib/api/generated/index.js';
import { resourceByKind } from '../../../lib/api/resources.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { keyOf } from '../../../lib/client/keys.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { involvedObject } from '../common/indexes.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { boundedReplicas } from './replica-bounds.js';

const HPA_KIND = { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v1' };

interface HpaControllerOptions {
  /** --horizontal-pod-autoscaler-sync-period; default 15 s. */
  syncPeriodMs?: number;
}

/**
 * The horizontal pod autoscaler, autoscaling/v1, without a metrics API: there are no pod CPU
 * metrics to read in kubets yet, so it keeps the target's replicas within [minReplicas,
 * maxReplicas] through the Scale subresource, reports currentReplicas/desiredReplicas, and says
 * with a FailedGetResourceMetric event that it cannot follow targetCPUUtilizationPercentage.
 */
export class HorizontalPodAutoscalerController extends QueueController {
  private readonly hpas: Informer<HorizontalPodAutoscaler>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, options: HpaControllerOptions = {}) {
    // Targets change without the HPA changing: every HPA is looked at each period.
    super('horizontalpodautoscaling', ctx, { workers: 2, resyncPeriodMs: options.syncPeriodMs ?? 15_000 });
    this.hpas = ctx.informers.informerFor('horizontalPodAutoscaler');
    this.recorder = ctx.recorder('horizontal-pod-autoscaler');
  }

  protected handlers(): HandlerRegistration[] {
    return [() => this.hpas.addEventHandler(onAddOrUpdate((hpa) => this.queue.add(keyOf(hpa))))];
  }

  protected override resyncKeys(): Iterable<string> {
    return this.hpas.store.listKeys();
  }

  async sync(key: string): Promise<void> {
    const hpa = this.hpas.store.get(key);
    if (!hpa || hpa.metadata?.deletionTimestamp) return;
    const ref = involvedObject(hpa, HPA_KIND);
    const target = hpa.spec?.scaleTargetRef ?? {};
    const info = resourceByKind(target.kind ?? '');
    if (!info?.hasScale) {
      this.recorder.event(ref, 'Warning', 'FailedGetScale', `the server could not find the requested resource: ${target.kind ?? ''} has no scale subresource`);
      return;
    }
    const namespace = hpa.metadata?.namespace ?? '';
    let scale;
    try {
      scale = await this.ctx.client.getScale(info.field, namespace, target.name ?? '');
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
      this.recorder.event(ref, 'Warning', 'FailedGetScale', (err as Error).message);
      return;
    }
    const current = scale.spec?.replicas ?? 0;
    if (hpa.spec?.targetCPUUtilizationPercentage !== undefined && current > 0) {
      this.recorder.event(ref, 'Warning', 'FailedGetResourceMetric', 'failed to get cpu utilization: unable to get metrics for resource cpu: no metrics API is served in this cluster');
    }
    const decision = boundedReplicas(hpa, current);
    let lastScaleTime = hpa.status?.lastScaleTime;
    if (decision.reason) {
      await this.ctx.client.updateScale(info.field, namespace, { ...scale, spec: { replicas: decision.desired } });
      lastScaleTime = formatTime(this.ctx.now());
      this.recorder.event(ref, 'Normal', 'SuccessfulRescale', `New size: ${decision.desired}; reason: ${decision.reason}`);
    }
    const status: HorizontalPodAutoscalerStatus = {
      observedGeneration: hpa.metadata?.generation ?? 0,
      currentReplicas: current,
      desiredReplicas: decision.desired,
    };
    if (lastScaleTime) status.lastScaleTime = lastScaleTime;
    const old = hpa.status ?? {};
    if (
      (old.observedGeneration ?? 0) === status.observedGeneration &&
      (old.currentReplicas ?? 0) === status.currentReplicas &&
      (old.desiredReplicas ?? 0) === status.desiredReplicas &&
      (old.lastScaleTime ?? '') === (status.lastScaleTime ?? '')
    ) {
      return;
    }
    await this.ctx.client.resource('horizontalPodAutoscaler').updateStatus({ ...hpa, metadata: { ...hpa.metadata }, status });
  }
}
