import type { Event, Pod } from '../../../lib/api/generated/index.js';
import { qosClass } from '../../../lib/api/pod-qos.js';
import { podFieldResolver, writeContainers } from './containers.js';
import { terminatingFor, writeAnnotations, writeControlledBy, writeEvents, writeLabels, writeTolerations } from './sections.js';
import { writeTopologySpreadConstraints, writeVolumes } from './volumes.js';
import { DescribeWriter, formatTime } from './writer.js';

export interface DescribeOptions {
  /** The clock ages are measured against. */
  now: Date | number;
  /** Events about the object; undefined leaves out the Events section (kubectl --show-events=false). */
  events?: readonly Event[];
}

/** `kubectl describe pod`. */
export function describePod(pod: Pod, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  w.write(0, `Name:\t${meta.name ?? ''}\n`);
  w.write(0, `Namespace:\t${meta.namespace ?? ''}\n`);
  if (spec.priority !== undefined) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ''}\n` : 'Node:\t<none>\n');
  if (status.startTime) w.write(0, `Start Time:\t${formatTime(status.startTime)}\n`);
  writeLabels(w, 'Labels', meta.labels);
  writeAnnotations(w, 'Annotations', meta.annotations);
  if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    w.write(0, `Status:\t${terminatingFor(meta.deletionTimestamp, options.now)}\n`);
    w.write(0, `Termination Grace Period:\t${meta.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30}s\n`);
  } else {
    w.write(0, `Status:\t${status.phase ?? ''}\n`);
  }
  if (status.reason) w.write(0, `Reason:\t${status.reason}\n`);
  if (status.message) w.write(0, `Message:\t${status.message}\n`);
  w.write(0, `IP:\t${status.podIP ?? ''}\n`);
  const ips = status.podIPs?.length ? status.podIPs.map((p) => p.ip ?? '') : status.podIP ? [status.podIP] : [];
  if (ips.length === 0) {
    w.write(0, 'IPs:\t<none>\n');
  } else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.write(1, `IP:\t${ip}\n`);
  }
  writeControlledBy(w, meta);
  if (status.nominatedNodeName) w.write(0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  const resolve = podFieldResolver(pod);
  if (spec.initContainers?.length) writeContainers(w, 'Init Containers', spec.initContainers, status.initContainerStatuses, resolve);
  writeContainers(w, 'Containers', spec.containers, status.containerStatuses, resolve);
  if (status.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of status.conditions) w.write(1, `${c.type ?? ''} \t${c.status ?? ''} \n`);
  }
  writeVolumes(w, spec.volumes);
  w.write(0, `QoS Class:\t${status.qosClass || qosClass(spec)}\n`);
  writeLabels(w, 'Node-Selectors', spec.nodeSelector);
  writeTolerations(w, 'Tolerations', spec.tolerations);
  writeTopologySpreadConstraints(w, spec.topologySpreadConstraints);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
