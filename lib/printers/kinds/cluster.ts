import type { HorizontalPodAutoscaler, Lease, PriorityClass } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

export const leasePrinter: KindPrinter<Lease> = {
  columns: [{ name: 'Name' }, { name: 'Holder' }, { name: 'Age' }],
  cells(lease: Lease, { now }: RowContext): string[] {
    return [lease.metadata?.name ?? '', lease.spec?.holderIdentity ?? '', age(lease.metadata?.creationTimestamp, now)];
  },
};

export const priorityClassPrinter: KindPrinter<PriorityClass> = {
  // Current kubectl prints PREEMPTIONPOLICY as a regular column after AGE.
  columns: [{ name: 'Name' }, { name: 'Value' }, { name: 'Global-Default' }, { name: 'Age' }, { name: 'PreemptionPolicy' }],
  cells(pc: PriorityClass, { now }: RowContext): string[] {
    return [
      pc.metadata?.name ?? '',
      String(pc.value ?? 0),
      String(pc.globalDefault ?? false),
      age(pc.metadata?.creationTimestamp, now),
      // The apiserver defaults preemptionPolicy; an undefaulted object means the same.
      pc.preemptionPolicy || 'PreemptLowerPriority',
    ];
  },
};

/**
 * The autoscaling/v1 HPA: without a CPU target Kubernetes defaults to 80%. TARGETS reads as
 * current kubectl prints the resource metric: `cpu: 45%/80%`, `cpu: <unknown>/80%` before the
 * first measurement.
 */
function hpaTargets(hpa: HorizontalPodAutoscaler): string {
  const target = hpa.spec?.targetCPUUtilizationPercentage ?? 80;
  const current = hpa.status?.currentCPUUtilizationPercentage;
  return `cpu: ${current === undefined ? '<unknown>' : `${current}%`}/${target}%`;
}

export const horizontalPodAutoscalerPrinter: KindPrinter<HorizontalPodAutoscaler> = {
  columns: [
    { name: 'Name' },
    { name: 'Reference' },
    { name: 'Targets' },
    { name: 'MinPods' },
    { name: 'MaxPods' },
    { name: 'Replicas' },
    { name: 'Age' },
  ],
  cells(hpa: HorizontalPodAutoscaler, { now }: RowContext): string[] {
    const ref = hpa.spec?.scaleTargetRef;
    return [
      hpa.metadata?.name ?? '',
      `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
      hpaTargets(hpa),
      hpa.spec?.minReplicas === undefined ? '<unset>' : String(hpa.spec.minReplicas),
      String(hpa.spec?.maxReplicas ?? 0),
      String(hpa.status?.currentReplicas ?? 0),
      age(hpa.metadata?.creationTimestamp, now),
    ];
  },
};
