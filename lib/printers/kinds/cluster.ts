import type { HorizontalPodAutoscaler, Lease, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, PriorityClass } from '../../api/generated/index.js';
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

/** How many metrics TARGETS shows before `+ N more...`, as kubectl. */
const SHOWN_METRICS = 2;

/** One metric as kubectl's TARGETS column shows it: `cpu: 45%/80%`, `memory: 12Mi/100Mi`, `<unknown>` before a measurement. */
export function hpaMetricTarget(spec: MetricSpec, status: MetricStatus | undefined): string {
  const unknown = '<unknown>';
  const withAverage = (target: MetricTarget | undefined, current: MetricValueStatus | undefined): string =>
    target?.averageValue !== undefined ? `${current?.averageValue ?? unknown}/${target.averageValue} (avg)` : `${current?.value ?? unknown}/${target?.value ?? ''}`;
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource': {
      const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const current = (spec.type === 'Resource' ? status?.resource : status?.containerResource)?.current;
      const target = source?.target;
      if (target?.averageValue !== undefined) return `${source?.name ?? ''}: ${current?.averageValue ?? unknown}/${target.averageValue}`;
      const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : unknown;
      return `${source?.name ?? ''}: ${now}/${target?.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>'}`;
    }
    case 'Pods':
      return `${status?.pods?.current?.averageValue ?? unknown}/${spec.pods?.target?.averageValue ?? ''}`;
    case 'Object':
      return withAverage(spec.object?.target, status?.object?.current);
    case 'External':
      return withAverage(spec.external?.target, status?.external?.current);
    default:
      return unknown;
  }
}

function hpaTargets(hpa: HorizontalPodAutoscaler): string {
  const metrics = hpa.spec?.metrics ?? [];
  if (metrics.length === 0) return '<none>';
  const statuses = hpa.status?.currentMetrics ?? [];
  const shown = metrics.slice(0, SHOWN_METRICS).map((m, i) => hpaMetricTarget(m, statuses[i]?.type === m.type ? statuses[i] : undefined));
  const more = metrics.length > SHOWN_METRICS ? ` + ${metrics.length - SHOWN_METRICS} more...` : '';
  return shown.join(', ') + more;
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
