import { isApiError } from '../../../lib/api/errors.js';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, MetricStatus, Pod, Scale } from '../../../lib/api/generated/index.js';
import { completeBehavior } from '../../../lib/api/hpa-behavior.js';
import { toKubeJSON } from '../../../lib/api/json.js';
import { resourceByField, resourceByKind } from '../../../lib/api/resources.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { keyOf } from '../../../lib/client/keys.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { parseSelector } from '../../../lib/labels/selector.js';
import type { ControllerContext } from '../common/controller.js';
import { involvedObject } from '../common/indexes.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { setCondition, type HpaConditionType } from './conditions.js';
import { replicasForMetrics } from './metric-replicas.js';
import { noPodMetrics, type PodMetricsSource } from './metrics-source.js';
import { DEFAULT_READINESS_TIMING } from './replica-calculator.js';
import { LIMIT_MESSAGES, ScalingHistory } from './scaling-behavior.js';

const HPA_KIND = { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2' };

export interface HpaControllerOptions {
  /** --horizontal-pod-autoscaler-sync-period; default 15 s. */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization: the scale-down window of autoscalers without one; default 5 min. */
  downscaleStabilizationMs?: number;
  /** Where pod usage comes from; without one every resource metric is unknown. */
  metrics?: PodMetricsSource;
}

interface Decision {
  desired: number;
  reason?: string;
}

/**
 * Kubernetes' horizontal pod autoscaler (autoscaling/v2). Every sync period it reads the target's
 * Scale subresource and its pods' usage, asks each metric for a replica count (the largest wins),
 * stabilizes that over the behavior's windows, holds it to the policies' rates and to
 * [minReplicas, maxReplicas], rescales through the Scale subresource, and reports the metrics'
 * current values and the AbleToScale, ScalingActive and ScalingLimited conditions.
 */
export class HorizontalPodAutoscalerController extends QueueController {
  private readonly hpas: Informer<HorizontalPodAutoscaler>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly history = new ScalingHistory();
  private readonly metrics: PodMetricsSource;
  private readonly downscaleWindowSeconds: number;

  constructor(ctx: ControllerContext, options: HpaControllerOptions = {}) {
    // Targets and usage change without the HPA changing: every HPA is looked at each period.
    super('horizontalpodautoscaling', ctx, { workers: 2, resyncPeriodMs: options.syncPeriodMs ?? 15_000 });
    this.hpas = ctx.informers.informerFor('horizontalPodAutoscaler');
    this.pods = ctx.informers.informerFor('pod');
    this.recorder = ctx.recorder('horizontal-pod-autoscaler');
    this.metrics = options.metrics ?? noPodMetrics;
    this.downscaleWindowSeconds = (options.downscaleStabilizationMs ?? 300_000) / 1000;
  }

  protected handlers(): HandlerRegistration[] {
    return [() => this.hpas.addEventHandler(onAddOrUpdate((hpa) => this.queue.add(keyOf(hpa))))];
  }

  protected override resyncKeys(): Iterable<string> {
    return this.hpas.store.listKeys();
  }

  async sync(key: string): Promise<void> {
    const hpa = this.hpas.store.get(key);
    if (!hpa || hpa.metadata?.deletionTimestamp) {
      this.history.forget(key);
      return;
    }
    const now = formatTime(this.ctx.now());
    const ref = involvedObject(hpa, HPA_KIND);
    const namespace = hpa.metadata?.namespace ?? '';
    const target = hpa.spec?.scaleTargetRef ?? {};
    let conditions = hpa.status?.conditions ?? [];
    const condition = (type: HpaConditionType, status: boolean, reason: string, message: string): void => {
      conditions = setCondition(conditions, type, status, reason, message, now);
    };

    const info = resourceByKind(target.kind ?? '');
    let scale: Scale;
    try {
      if (!info?.hasScale) throw new Error(`the server could not find the requested resource: ${target.kind ?? ''} has no scale subresource`);
      scale = await this.ctx.client.getScale(info.field, namespace, target.name ?? '');
    } catch (err) {
      if (info?.hasScale && !isApiError(err, 'NotFound')) throw err;
      const message = `the HPA controller was unable to get the target's current scale: ${(err as Error).message}`;
      this.recorder.event(ref, 'Warning', 'FailedGetScale', (err as Error).message);
      condition('AbleToScale', false, 'FailedGetScale', message);
      await this.writeStatus(hpa, { ...hpa.status, conditions });
      return;
    }

    const current = scale.spec?.replicas ?? 0;
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? 0;
    let currentMetrics: MetricStatus[] = hpa.status?.currentMetrics ?? [];
    let decision: Decision;
    if (current === 0 && min !== 0) {
      decision = { desired: 0 };
      condition('ScalingActive', false, 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (current > max) {
      decision = { desired: max, reason: 'Current number of replicas above Spec.MaxReplicas' };
      condition('ScalingLimited', true, 'TooManyReplicas', LIMIT_MESSAGES.TooManyReplicas);
    } else if (current < min) {
      decision = { desired: min, reason: 'Current number of replicas below Spec.MinReplicas' };
      condition('ScalingLimited', true, 'TooFewReplicas', LIMIT_MESSAGES.TooFewReplicas);
    } else {
      const metrics = hpa.spec?.metrics ?? [];
      const pods = this.targetPods(namespace, scale.status?.selector ?? '');
      const usage = pods.length > 0 ? await this.metrics.podMetrics(namespace, scale.status?.selector ?? '') : [];
      const outcome = replicasForMetrics(metrics, { currentReplicas: current, pods, usage, timing: { now: this.ctx.now(), ...DEFAULT_READINESS_TIMING } });
      currentMetrics = outcome.statuses;
      for (const failure of outcome.failures) this.recorder.event(ref, 'Warning', failure.reason, failure.message);
      const firstFailure = outcome.failures[0];
      if (outcome.replicas === undefined || (firstFailure && outcome.replicas < current)) {
        condition('ScalingActive', false, firstFailure?.reason ?? 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${firstFailure?.message ?? 'no metrics'}`);
        if (firstFailure) {
          this.recorder.event(ref, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${outcome.failures.length} invalid out of ${metrics.length}), first error is: ${firstFailure.message}`);
        }
        await this.writeStatus(hpa, { ...hpa.status, observedGeneration: hpa.metadata?.generation ?? 0, currentReplicas: current, desiredReplicas: hpa.status?.desiredReplicas ?? current, currentMetrics, conditions });
        return;
      }
      condition('ScalingActive', true, 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${outcome.metricName}`);
      const normalized = this.history.normalize({
        key,
        now: this.ctx.now(),
        currentReplicas: current,
        desiredReplicas: outcome.replicas,
        minReplicas: min,
        maxReplicas: max,
        behavior: completeBehavior(hpa.spec?.behavior, this.downscaleWindowSeconds),
      });
      condition('ScalingLimited', normalized.limit !== 'DesiredWithinRange', normalized.limit, LIMIT_MESSAGES[normalized.limit]);
      if (normalized.stabilized) {
        const [reason, message] =
          outcome.replicas < current
            ? ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation']
            : ['ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation'];
        condition('AbleToScale', true, reason, message);
      } else if (normalized.replicas === current) {
        condition('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size');
      }
      decision = { desired: normalized.replicas, reason: normalized.replicas > current ? `${outcome.metricName} above target` : 'All metrics below target' };
    }

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (decision.desired !== current && decision.reason) {
      try {
        await this.ctx.client.updateScale(info.field, namespace, { ...scale, spec: { replicas: decision.desired } });
      } catch (err) {
        const message = `the HPA controller was unable to update the target scale: ${(err as Error).message}`;
        this.recorder.event(ref, 'Warning', 'FailedRescale', `New size: ${decision.desired}; reason: ${decision.reason}; error: ${(err as Error).message}`);
        condition('AbleToScale', false, 'FailedUpdateScale', message);
        await this.writeStatus(hpa, { ...hpa.status, conditions });
        throw err;
      }
      this.history.recordScale(key, completeBehavior(hpa.spec?.behavior, this.downscaleWindowSeconds), current, decision.desired, this.ctx.now());
      lastScaleTime = now;
      condition('AbleToScale', true, 'SucceededRescale', `the HPA controller was able to update the target scale to ${decision.desired}`);
      this.recorder.event(ref, 'Normal', 'SuccessfulRescale', `New size: ${decision.desired}; reason: ${decision.reason}`);
    }
    const status: HorizontalPodAutoscalerStatus = {
      observedGeneration: hpa.metadata?.generation ?? 0,
      currentReplicas: current,
      desiredReplicas: decision.desired,
      currentMetrics,
      conditions,
    };
    if (lastScaleTime) status.lastScaleTime = lastScaleTime;
    await this.writeStatus(hpa, status);
  }

  /** The target's pods, from the scale subresource's selector. */
  private targetPods(namespace: string, selector: string): Pod[] {
    if (!selector) return [];
    const matches = parseSelector(selector);
    return this.pods.store.listByIndex(NAMESPACE_INDEX, namespace).filter((p) => matches.matches(p.metadata?.labels ?? {}));
  }

  private async writeStatus(hpa: HorizontalPodAutoscaler, status: HorizontalPodAutoscalerStatus): Promise<void> {
    if (JSON.stringify(normalizeStatus(hpa.status)) === JSON.stringify(normalizeStatus(status))) return;
    await this.ctx.client.resource('horizontalPodAutoscaler').updateStatus({ ...hpa, metadata: { ...hpa.metadata }, status });
  }
}

const HPA = resourceByField('horizontalPodAutoscaler');

/** The status in Kubernetes' JSON, where absent and empty fields read alike: what is compared for a change. */
function normalizeStatus(status: HorizontalPodAutoscalerStatus | undefined): unknown {
  return toKubeJSON(HPA, { status: status ?? {} }).status;
}
