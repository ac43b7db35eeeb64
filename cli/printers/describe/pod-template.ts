import type { PodTemplateSpec } from '../../../lib/api/generated/index.js';
import { writeContainers } from './containers.js';
import { writeAnnotations, writeLabels, writeTolerations } from './sections.js';
import { writeTopologySpreadConstraints, writeVolumes } from './volumes.js';
import type { DescribeWriter } from './writer.js';

/** The `Pod Template:` section of replication controllers, replica sets and deployments. */
export function writePodTemplate(w: DescribeWriter, template: PodTemplateSpec | undefined): void {
  w.write(0, 'Pod Template:\n');
  if (!template) {
    w.write(1, '<unset>');
    return;
  }
  const spec = template.spec ?? {};
  writeLabels(w, '  Labels', template.metadata?.labels);
  if (Object.keys(template.metadata?.annotations ?? {}).length > 0) writeAnnotations(w, '  Annotations', template.metadata?.annotations);
  if (spec.serviceAccountName) w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if (spec.initContainers?.length) writeContainers(w, 'Init Containers', spec.initContainers, undefined, undefined, '  ');
  writeContainers(w, 'Containers', spec.containers, undefined, undefined, '  ');
  writeVolumes(w, spec.volumes, '  ');
  writeTopologySpreadConstraints(w, spec.topologySpreadConstraints, '  ');
  if (spec.priorityClassName) w.write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  writeLabels(w, '  Node-Selectors', spec.nodeSelector);
  writeTolerations(w, '  Tolerations', spec.tolerations);
}
