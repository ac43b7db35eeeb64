import type { HorizontalPodAutoscaler, HPAScalingRules, MetricSpec, MetricStatus } from '../../../lib/api/generated/index.js';
import type { DescribeOptions } from './pod.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter, formatTime } from './writer.js';

// `kubectl describe hpa`, as kubectl prints an autoscaling/v2 HorizontalPodAutoscaler: each
// metric as "current / target", the behavior when one is set, the target's replica counts, the
// conditions table and the events.

const UNKNOWN = '<unknown>';

function metricLine(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource': {
      const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const current = (spec.type === 'Resource' ? status?.resource : status?.containerResource)?.current;
      const of = spec.type === 'ContainerResource' ? ` of container "${spec.containerResource?.container ?? ''}"` : '';
      if (source?.target?.averageValue !== undefined) return `resource ${source.name ?? ''}${of} on pods:\t${current?.averageValue ?? UNKNOWN} / ${source.target.averageValue}`;
      const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}% (${current.averageValue ?? ''})` : UNKNOWN;
      return `resource ${source?.name ?? ''}${of} on pods  (as a percentage of request):\t${now} / ${source?.target?.averageUtilization ?? 0}%`;
    }
    case 'Pods':
      return `"${spec.pods?.metric?.name ?? ''}" on pods:\t${status?.pods?.current?.averageValue ?? UNKNOWN} / ${spec.pods?.target?.averageValue ?? ''}`;
    case 'Object': {
      const o = spec.object;
      const on = `${o?.describedObject?.kind ?? ''}/${o?.describedObject?.name ?? ''}`;
      if (o?.target?.averageValue !== undefined) return `"${o.metric?.name ?? ''}" on ${on} (target average value):\t${status?.object?.current?.averageValue ?? UNKNOWN} / ${o.target.averageValue}`;
      return `"${o?.metric?.name ?? ''}" on ${on} (target value):\t${status?.object?.current?.value ?? UNKNOWN} / ${o?.target?.value ?? ''}`;
    }
    case 'External': {
      const e = spec.external;
      if (e?.target?.averageValue !== undefined) return `"${e.metric?.name ?? ''}" (target average value):\t${status?.external?.current?.averageValue ?? UNKNOWN} / ${e.target.averageValue}`;
      return `"${e?.metric?.name ?? ''}" (target value):\t${status?.external?.current?.value ?? UNKNOWN} / ${e?.target?.value ?? ''}`;
    }
    default:
      return `<unknown metric type "${spec.type ?? ''}">`;
  }
}

function writeRules(w: DescribeWriter, title: string, rules: HPAScalingRules | undefined): void {
  if (!rules) return;
  w.write(1, `${title}:\n`);
  if (rules.stabilizationWindowSeconds !== undefined) w.write(2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
  if (rules.selectPolicy !== undefined) w.write(2, `Select Policy: ${rules.selectPolicy}\n`);
  w.write(2, 'Policies:\n');
  for (const p of rules.policies ?? []) w.write(3, `- Type: ${p.type ?? ''}\tValue: ${p.value ?? 0}\tPeriod: ${p.periodSeconds ?? 0} seconds\n`);
}

export function describeHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const spec = hpa.spec ?? {};
  const status = hpa.status ?? {};
  const ref = spec.scaleTargetRef ?? {};
  w.write(0, `Name:\t${hpa.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${hpa.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', hpa.metadata?.labels);
  writeAnnotations(w, 'Annotations', hpa.metadata?.annotations);
  w.write(0, `CreationTimestamp:\t${formatTime(hpa.metadata?.creationTimestamp)}\n`);
  w.write(0, `Reference:\t${ref.kind ?? ''}/${ref.name ?? ''}\n`);
  w.write(0, 'Metrics:\t( current / target )\n');
  const current = status.currentMetrics ?? [];
  (spec.metrics ?? []).forEach((m, i) => w.write(1, `${metricLine(m, current[i]?.type === m.type ? current[i] : undefined)}\n`));
  w.write(0, `Min replicas:\t${spec.minReplicas ?? '<unset>'}\n`);
  w.write(0, `Max replicas:\t${spec.maxReplicas ?? 0}\n`);
  if (spec.behavior) {
    w.write(0, 'Behavior:\n');
    writeRules(w, 'Scale Up', spec.behavior.scaleUp);
    writeRules(w, 'Scale Down', spec.behavior.scaleDown);
  }
  w.write(0, `${ref.kind ?? ''} pods:\t${status.currentReplicas ?? 0} current / ${status.desiredReplicas ?? 0} desired\n`);
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tReason\tMessage\n');
    w.write(1, '----\t------\t------\t-------\n');
    for (const c of conditions) w.write(1, `${c.type ?? ''}\t${c.status ?? ''}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
  }
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
